// Tailwind for both apps; each app's postcss.config.mjs re-exports this.
export default { plugins: { "@tailwindcss/postcss": {} } };
