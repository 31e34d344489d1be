/** Sends the browser to a page Stripe hosts (Checkout, the billing portal). */
export function useRedirect() {
  return (result: { url: string }) => window.location.assign(result.url);
}
