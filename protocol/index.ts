export * from "./version.ts";
export * from "./limits.ts";
export * from "./errors.ts";
export * from "./messages.ts";
export * from "./result.ts";
export * from "./parse-client.ts";
export * from "./parse-server.ts";
