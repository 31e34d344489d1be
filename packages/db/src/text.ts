// Which characters text sent to the platform may hold. Every text input ends up in PostgreSQL and
// on someone's screen, so a character is refused, with its code point named, when
// - PostgreSQL cannot store it: U+0000 (refused in text and jsonb alike), or a lone surrogate,
//   half of a UTF-16 pair with no UTF-8 form (the driver would silently store U+FFFD instead);
// - it is a control character (C0, DEL, C1), which pages show as nothing and terminals and log
//   viewers act on; tab, line feed and carriage return only where a field allows several lines;
// - it is a noncharacter (U+FFFE, U+FFFF and the 64 others), reserved for programs' own use;
// - it is a bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069): invisible,
//   they reorder the text after them, so a description can show as something it does not say (the
//   "Trojan Source" trick). Right-to-left text needs none of them, as the Unicode bidi algorithm
//   orders Arabic or Hebrew by itself; the marks U+200E, U+200F and U+061C stay allowed;
// - the field is one line and the character breaks lines (also U+2028 and U+2029).
// Everything else, emoji and joiners included, is stored and shown as sent. Only zod here: the
// browser's forms use these rules too.
import { z } from "zod";

export interface TextRules {
  /** Allow tab, line feed and carriage return (fields that hold several lines). */
  multiline?: boolean;
}

const lineBreaks = new Set([0x0a, 0x0d, 0x2028, 0x2029]);

function problemOf(code: number, multiline: boolean): string | null {
  if (lineBreaks.has(code)) return multiline ? null : "a line break";
  if (code === 0x09) return multiline ? null : "a tab";
  if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return "a control character";
  if (code >= 0xd800 && code <= 0xdfff) return "half of a surrogate pair";
  if ((code >= 0xfdd0 && code <= 0xfdef) || (code & 0xfffe) === 0xfffe) return "a noncharacter";
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) {
    return "an invisible text-direction control";
  }
  return null;
}

const plainAscii = /^[\x20-\x7e]*$/;

/**
 * What is wrong with `text` for the platform to store and show ("must not contain a control
 * character (U+0000)"), or null when nothing is.
 */
export function textProblem(text: string, rules: TextRules = {}): string | null {
  if (plainAscii.test(text)) return null;
  // By code point: a pair of surrogates is one character, a lone one comes on its own.
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    const problem = problemOf(code, rules.multiline ?? false);
    if (problem) {
      const point = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
      return `must not contain ${problem} (${point})`;
    }
  }
  return null;
}

/** A string that holds only what `textProblem` allows; the error names the character. */
export function safeText(rules: TextRules = {}) {
  return z
    .string({ error: (issue) => (issue.code === "invalid_type" ? "must be text" : undefined) })
    .refine((value) => textProblem(value, rules) === null, {
      error: (issue) => textProblem(String(issue.input), rules) ?? "must be text",
    });
}
