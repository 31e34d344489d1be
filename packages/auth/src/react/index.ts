export { AppHeader, type NavLink } from "./app-header.tsx";
export { AuthCard } from "./auth-card.tsx";
export { signInWithPassword, signOutHere } from "./session-actions.ts";
export { SignInForm } from "./sign-in-form.tsx";
