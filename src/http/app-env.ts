import type { Locale } from "../shared/locale.ts";

/** Hono environment of the API: values that middleware sets for the handlers. */
export interface AppEnv {
  Variables: {
    /** Language of the response text, from the `Accept-Language` header. */
    locale: Locale;
  };
}
