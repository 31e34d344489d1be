"use client";

import { createContext, type ReactNode, useContext } from "react";
import type { Viewer } from "./vocabulary.ts";

const ViewerContext = createContext<Viewer | null>(null);

/** Tells the shared components who is looking, so they can name people from that side. */
export function ViewerProvider({ viewer, children }: { viewer: Viewer; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

/** The signed-in viewer; only under a ViewerProvider (every signed-in layout has one). */
export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error("useViewer needs a ViewerProvider above it.");
  return viewer;
}
