"use client";

import { Button, cn, useToast } from "@credits/ui";
import type { Route } from "next";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { signOutHere } from "./session-actions.ts";

export interface NavLink {
  href: Route;
  label: string;
}

/** The signed-in header of both apps: brand, the user's email, sign-out and the main navigation. */
export function AppHeader({
  brand,
  email,
  links,
}: {
  brand: string;
  email: string;
  links: NavLink[];
}) {
  const pathname = usePathname();
  const router = useRouter();
  const toast = useToast();
  const [leaving, setLeaving] = useState(false);
  const navRef = useRef<HTMLElement>(null);
  useEffect(() => {
    // Depends on the path: after each navigation the new current link is brought into view.
    if (!pathname) return;
    navRef.current
      ?.querySelector('[aria-current="page"]')
      ?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [pathname]);
  async function leave() {
    setLeaving(true);
    if (!(await signOutHere())) {
      setLeaving(false);
      toast.error("Signing out did not go through, so you are still signed in. Try again.");
      return;
    }
    router.replace("/sign-in");
    router.refresh();
  }
  return (
    <header className="border-b border-zinc-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/" className="font-bold text-brand-600">
          {brand}
        </Link>
        <div className="flex items-center gap-3 text-sm">
          <span className="hidden text-zinc-600 sm:inline">{email}</span>
          <Button variant="secondary" onClick={leave} busy={leaving}>
            Sign out
          </Button>
        </div>
        {/* One row at every width: on a phone the row scrolls sideways inside itself (the page
            never does), and the current page's link is scrolled into view. */}
        <nav
          aria-label="Main"
          ref={navRef}
          className="-mx-1 flex w-full flex-nowrap gap-1 overflow-x-auto overscroll-x-contain [scrollbar-width:thin]"
        >
          {links.map((link) => {
            const current = link.href === "/" ? pathname === "/" : pathname.startsWith(link.href);
            return (
              <Link
                key={link.href}
                href={link.href}
                aria-current={current ? "page" : undefined}
                className={cn(
                  "shrink-0 rounded-md px-3 py-2 text-sm font-medium whitespace-nowrap",
                  current ? "bg-brand-50 text-brand-700" : "text-zinc-600 hover:bg-zinc-100",
                )}
              >
                {link.label}
              </Link>
            );
          })}
        </nav>
      </div>
    </header>
  );
}
