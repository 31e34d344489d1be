import type { ComponentProps } from "react";
import { Field } from "./field.tsx";

/** What is wrong with a typed amount of credits, or null: credits move in whole numbers above zero. */
export function creditAmountProblem(amount: number): string | null {
  return Number.isInteger(amount) && amount > 0
    ? null
    : "Enter a whole number of credits greater than zero.";
}

/** The `amount` field of a form that moves credits: whole numbers from 1, a number pad on phones. */
export function CreditAmountField(
  props: Omit<
    ComponentProps<typeof Field>,
    "name" | "type" | "inputMode" | "min" | "step" | "required"
  >,
) {
  return (
    <Field {...props} name="amount" type="number" inputMode="numeric" min={1} step={1} required />
  );
}
