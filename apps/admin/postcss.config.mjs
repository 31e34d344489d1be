export { default } from "@credits/ui/postcss";
