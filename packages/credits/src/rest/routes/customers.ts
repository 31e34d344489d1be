// /api/customers: other backends' users, by the backend's own id, created or read on their own
// (crediting an unknown id creates its customer too; see docs/customers.md).
import { createCustomerSignInLink, getCustomer, upsertCustomer } from "../../service/customers.ts";
import { defineRoute, recordedBy } from "../route.ts";
import {
  CreatedByBody,
  CustomerBody,
  CustomerResponse,
  EmptyBody,
  SignInLinkResponse,
  UserPath,
} from "../schemas.ts";
import { customerResponse, signInLinkResponse } from "../serializers.ts";

export const customerRoutes = [
  defineRoute({
    method: "POST",
    path: "/api/customers",
    scope: "write",
    tag: "Customers",
    summary:
      "Creates or updates a customer by your id for the user, with an optional email and name (idempotent). An email is set only on a customer without one.",
    params: EmptyBody,
    body: CustomerBody,
    response: CustomerResponse,
    errors: [409],
    async handle({ db, actor, body }) {
      const customer = await upsertCustomer(db, recordedBy(actor, body), {
        ref: body.id,
        email: body.email,
        name: body.name,
      });
      return customerResponse(body.id, customer);
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/customers/{userId}",
    scope: "read",
    tag: "Customers",
    summary: "A customer by your id for the user or this platform's user id.",
    params: UserPath,
    response: CustomerResponse,
    errors: [404],
    userOf: (params) => params.userId,
    async handle({ db, params }) {
      return customerResponse(params.userId, await getCustomer(db, params.userId));
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/customers/{userId}/sign-in-link",
    scope: "write",
    tag: "Customers",
    summary:
      "Makes a one-time link (valid 7 days) that lets the person behind a customer without a password choose one and sign in to the web app; it replaces the customer's earlier link. Hand it to them: it is shown only now. A user who can sign in already, or an operator, is a 409.",
    params: UserPath,
    body: CreatedByBody,
    response: SignInLinkResponse,
    errors: [404, 409],
    userOf: (params) => params.userId,
    async handle({ db, params, actor, body, billing }) {
      const link = await createCustomerSignInLink(db, recordedBy(actor, body), {
        ref: params.userId,
        appUrl: billing.appUrl,
      });
      return signInLinkResponse(params.userId, link);
    },
  }),
];
