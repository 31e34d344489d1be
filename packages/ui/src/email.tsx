import { Fragment } from "react";

/**
 * An email address that wraps where a reader expects it: after the "@" and before each dot of the
 * domain, as style guides break addresses. A part too long for the line still breaks anywhere
 * rather than widening the page.
 */
export function Email({ value }: { value: string }) {
  const at = value.lastIndexOf("@");
  if (at < 0) return <span className="wrap-anywhere">{value}</span>;
  const labels = value.slice(at + 1).split(".");
  return (
    <span className="wrap-anywhere">
      {value.slice(0, at)}@<wbr />
      {labels.map((label, index) => (
        // Labels can repeat ("mail.mail.example"), so their position is their identity.
        <Fragment key={index}>
          {index > 0 && (
            <>
              <wbr />.
            </>
          )}
          {label}
        </Fragment>
      ))}
    </span>
  );
}
