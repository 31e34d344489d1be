import { describe, expect, it } from "vitest";
import { safeText, textProblem } from "./text.ts";

describe("textProblem", () => {
  it("names the first character refused, by kind and code point", () => {
    expect(textProblem("a\u0000b")).toBe("must not contain a control character (U+0000)");
    expect(textProblem("\u001b[31mred")).toBe("must not contain a control character (U+001B)");
    expect(textProblem("del\u007f")).toBe("must not contain a control character (U+007F)");
    expect(textProblem("c1\u0085")).toBe("must not contain a control character (U+0085)");
    expect(textProblem("lone \udc00")).toBe("must not contain half of a surrogate pair (U+DC00)");
    expect(textProblem("\ufdd0")).toBe("must not contain a noncharacter (U+FDD0)");
    expect(textProblem("\ufffe")).toBe("must not contain a noncharacter (U+FFFE)");
    expect(textProblem("\u{1fffe}")).toBe("must not contain a noncharacter (U+1FFFE)");
    expect(textProblem("pay \u202eoiduA")).toBe(
      "must not contain an invisible text-direction control (U+202E)",
    );
    expect(textProblem("\u2066x\u2069")).toBe(
      "must not contain an invisible text-direction control (U+2066)",
    );
  });

  it("allows line breaks and tabs only where a field holds several lines", () => {
    for (const character of ["\n", "\r", "\u2028", "\u2029", "\t"]) {
      expect(textProblem(`one${character}two`), JSON.stringify(character)).toMatch(/^must not/);
      expect(textProblem(`one${character}two`, { multiline: true })).toBeNull();
    }
    expect(textProblem("a\u0000\nb", { multiline: true })).toBe(
      "must not contain a control character (U+0000)",
    );
  });

  it("allows any script, emoji sequences, joiners and direction marks", () => {
    for (const text of [
      "plain ASCII ~!@#$%^&*()",
      "שלום \u200f عربى \u061c",
      "👩🏽‍💻 🇫🇷 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
      "e\u0301 ﬁ \u00a0 \u200b\u200d",
      "𝕦𝕟𝕚𝕔𝕠𝕕𝕖 \u{10fffd}",
    ]) {
      expect(textProblem(text), text).toBeNull();
    }
  });
});

describe("safeText", () => {
  it("is a string schema whose own messages stay (type and length)", () => {
    const schema = safeText().max(3);
    expect(schema.safeParse(1).error?.issues[0]?.message).toBe("must be text");
    expect(schema.safeParse("long").error?.issues[0]?.message).toMatch(/<=3 characters/);
    expect(schema.safeParse("a\u0000").error?.issues[0]?.message).toBe(
      "must not contain a control character (U+0000)",
    );
    expect(schema.parse("ok")).toBe("ok");
  });
});
