/** Demo items to buy with credits (the original design's reports). */
export const catalog = [
  {
    itemId: "report-market",
    itemName: "Market overview report",
    credits: 120,
    blurb: "Sizes, trends and the main players.",
  },
  {
    itemId: "report-competitors",
    itemName: "Competitor analysis",
    credits: 300,
    blurb: "Ten competitors, compared in depth.",
  },
  {
    itemId: "report-industry",
    itemName: "Industry deep dive",
    credits: 25_000,
    blurb: "Everything about one industry, 200 pages.",
  },
] as const;
