// The gRPC CreditService for a Node server to mount (apps/service): a grpc-js server over the
// service layer, and the generated descriptors of proto/credits/v1/credits.proto.
export { CreditService } from "./generated/credits/v1/credits_pb.ts";
export { createCreditServiceServer, maxRequestMessageBytes } from "./server.ts";
