import { Hono } from "hono";
import { VIDEO_CATEGORIES } from "../../schemas/project.ts";
import type { AppEnv } from "./app-env.ts";
import { registerRoute } from "./openapi.ts";

type VideoCategory = (typeof VIDEO_CATEGORIES)[number];

/** Display names of the video categories, as AutoClip's frontend shows them. */
const CATEGORY_NAMES: Record<VideoCategory, { name: string; name_en: string }> = {
  knowledge: { name: "知识科普", name_en: "Knowledge" },
  business: { name: "商业财经", name_en: "Business and finance" },
  opinion: { name: "观点评论", name_en: "Opinion" },
  experience: { name: "经验分享", name_en: "Experience sharing" },
  speech: { name: "演讲脱口秀", name_en: "Speech and talk show" },
  content_review: { name: "内容解说", name_en: "Content review" },
  entertainment: { name: "娱乐内容", name_en: "Entertainment" },
};

/** The category a project gets when none is given. */
export const DEFAULT_VIDEO_CATEGORY: VideoCategory = "knowledge";

registerRoute({
  method: "get",
  path: "/api/v1/video-categories",
  summary: "The video categories, with Chinese and English names",
});

/** Builds `GET /api/v1/video-categories`: every category with its Chinese and English name. */
export function categoryRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>({ strict: false });
  const body = {
    categories: VIDEO_CATEGORIES.map((value) => ({ value, ...CATEGORY_NAMES[value] })),
    default_category: DEFAULT_VIDEO_CATEGORY,
  };

  routes.get("/", (c) => c.json(body));
  return routes;
}
