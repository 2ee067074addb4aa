import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "./app-env.ts";

/** HTTP methods the API uses, in lower case as OpenAPI writes them. */
export type RouteMethod = "get" | "post" | "put" | "patch" | "delete";

/** One route as the OpenAPI document describes it. */
export interface RouteSpec {
  method: RouteMethod;
  /** Full path in OpenAPI form, such as `/api/v1/projects/{id}`. */
  path: string;
  summary: string;
  /** Object schema of the query string. Each property becomes one query parameter. */
  query?: z.ZodType;
  /** Object schema of the path parameters. */
  params?: z.ZodType;
  /** Schema of a JSON request body. */
  body?: z.ZodType;
  /** Schema of the JSON body of a successful response. */
  response?: z.ZodType;
  /** A response that is a file rather than JSON. */
  binary?: { contentType: string; description: string };
  /** Status of a successful response. @default 200 */
  status?: number;
}

type JsonSchema = Record<string, unknown>;

const registry = new Map<string, RouteSpec>();

/**
 * Adds a route to the OpenAPI document. Route modules call it once per route when they load.
 * Registering the same method and path again replaces the earlier entry.
 */
export function registerRoute(spec: RouteSpec): void {
  registry.set(`${spec.method} ${spec.path}`, spec);
}

/** Lists the registered routes as `METHOD /path` strings, such as `GET /api/v1/projects/{id}`. */
export function registeredRoutes(): string[] {
  return [...registry.values()].map((spec) => `${spec.method.toUpperCase()} ${spec.path}`);
}

/** Converts a Hono path such as `/projects/:id/` to OpenAPI form: `/projects/{id}`. */
export function toOpenApiPath(honoPath: string): string {
  const trimmed = honoPath.length > 1 ? honoPath.replace(/\/+$/, "") : honoPath;
  return trimmed.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
}

function toSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersOf(schema: z.ZodType, location: "query" | "path"): JsonSchema[] {
  const json = toSchema(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);

  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || required.has(name),
    ...(typeof property.description === "string" ? { description: property.description } : {}),
    schema: property,
  }));
}

function errorResponseSchema(): JsonSchema {
  return {
    description: "Error: `detail` in English or Chinese after Accept-Language, and a stable `code`",
    content: {
      "application/json": {
        schema: {
          type: "object",
          required: ["detail", "code"],
          properties: {
            detail: { type: "string" },
            code: { type: "string" },
            errors: {
              type: "array",
              items: {
                type: "object",
                properties: { field: { type: "string" }, message: { type: "string" } },
              },
            },
          },
        },
      },
    },
  };
}

function operationOf(spec: RouteSpec): JsonSchema {
  const parameters = [
    ...(spec.params ? parametersOf(spec.params, "path") : []),
    ...(spec.query ? parametersOf(spec.query, "query") : []),
  ];
  const success: JsonSchema = { description: spec.binary?.description ?? "Success" };
  if (spec.response) success.content = { "application/json": { schema: toSchema(spec.response, "output") } };
  if (spec.binary)
    success.content = { [spec.binary.contentType]: { schema: { type: "string", format: "binary" } } };

  const responses: JsonSchema = { [String(spec.status ?? 200)]: success, default: errorResponseSchema() };
  if (spec.binary) responses["206"] = { description: "One byte range of the file" };

  return {
    summary: spec.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: toSchema(spec.body, "input") } },
          },
        }
      : {}),
    responses,
  };
}

/** Builds the OpenAPI 3.1 document of every registered route. */
export function buildOpenApiDocument(version: string, withBearerAuth: boolean): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const specs = [...registry.values()].sort((a, b) => a.path.localeCompare(b.path));

  for (const spec of specs) {
    paths[spec.path] ??= {};
    (paths[spec.path] as Record<string, JsonSchema>)[spec.method] = operationOf(spec);
  }

  return {
    openapi: "3.1.0",
    info: { title: "autoclipd API", version },
    paths,
    ...(withBearerAuth
      ? {
          components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
          security: [{ bearer: [] }],
        }
      : {}),
  };
}

registerRoute({
  method: "get",
  path: "/api/v1/openapi.json",
  summary: "This OpenAPI document",
  response: z.object({ openapi: z.string(), info: z.object({}).loose(), paths: z.object({}).loose() }),
});

/** Builds the route that serves the OpenAPI document at `/api/v1/openapi.json`. */
export function openApiRoutes(version: string, withBearerAuth: boolean): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  let document: JsonSchema | undefined;

  // Built on first request, when every route module has loaded and registered its routes.
  routes.get("/openapi.json", (c) => {
    document ??= buildOpenApiDocument(version, withBearerAuth);
    return c.json(document);
  });

  return routes;
}
