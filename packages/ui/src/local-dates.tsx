"use client";

import { useSyncExternalStore } from "react";
import { type DateFormats, hydrationDates, viewerDates } from "./format.ts";

const nothingChanges = () => () => {};

/**
 * The date formats to render with now: on the server and while React hydrates its HTML, fixed ones
 * (the server cannot know the viewer's locale or time zone, and hydration must repeat the server's
 * text exactly), then the viewer's, in the render React does right after hydration. A component
 * mounted later (a client navigation) gets the viewer's at once.
 */
export function useDateFormats(): DateFormats {
  const hydrated = useSyncExternalStore(
    nothingChanges,
    () => true,
    () => false,
  );
  return hydrated ? viewerDates : hydrationDates;
}

/** An instant as text in the viewer's format (after hydration), in a <time> element. */
export function LocalDate({
  value,
  style = "dateTime",
}: {
  value: Date;
  /** "dateTime": "Dec 2, 2026, 4:05 PM"; "date": "Dec 2, 2026". */
  style?: "dateTime" | "date";
}) {
  const formats = useDateFormats();
  return <time dateTime={value.toISOString()}>{formats[style](value)}</time>;
}
