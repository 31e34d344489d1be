export { AppHeader, type NavLink } from "./app-header.tsx";
export { AuthCard } from "./auth-card.tsx";
export { SignInForm } from "./sign-in-form.tsx";
