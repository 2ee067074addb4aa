import type { LlmTask } from "./errors.ts";
import type { VideoCategory } from "./settings.ts";

/** The system prompts of one language, and the text of the repair request. */
export interface PromptSet {
  /** One system prompt per request type; `{name}` placeholders are filled by {@link buildSystemPrompt}. */
  tasks: Record<LlmTask, string>;
  /** Heading of the category section; `{category}` is the category's name. */
  categoryHeading: string;
  categoryNames: Record<VideoCategory, string>;
  /** Guidance per category: the qualities of a strong clip. */
  categoryGuidance: Record<VideoCategory, string>;
  /** User message of the repair request; `{issue}` is the validation issue. */
  repair: string;
}

const ENGLISH: PromptSet = {
  tasks: {
    outline: `You split a video transcript into topics, each of which may become a short highlight clip.

The user message is JSON. "cues" lists subtitle cues as [index, start_seconds, end_seconds, text]. They run from cue "first_cue" to cue "last_cue" and may be one part of a longer transcript.

Return one JSON object and nothing else, in this form:
{"topics": [{"start_cue": 0, "end_cue": 41, "outline": "…", "key_sentences": ["…", "…"]}]}

Rules:
- A topic is a run of whole cues from start_cue to end_cue, both included, using the indexes given.
- Topics are in time order, do not overlap, and together cover every cue from first_cue to last_cue.
- A topic lasts between {min_seconds} and {max_seconds} seconds, measured from the start of its first cue to the end of its last cue, unless the content leaves no other way.
- Start and end each topic at the end of a sentence, so that the topic makes sense when watched on its own.
- "outline": one English sentence that states what the topic is about.
- "key_sentences": one to three sentences taken from the topic's cues that carry its main point.
- When the cues end in the middle of a topic, end that topic at last_cue.`,

    score: `You rate candidate highlight clips cut from one video.

The user message is JSON. "topics" lists the candidates, each with its "id", its length in "seconds", its "outline" and its subtitle "text".

Rate every candidate from 0 to 1 by how well it works as a short clip watched on its own: one clear point, a complete arc from its first sentence to its last, content that a viewer would remember or share, and an opening that holds attention. Use the whole range: 0.8 or more for the best candidates, below 0.5 for those not worth publishing.

Return one JSON object and nothing else, in this form:
{"scores": [{"id": "1", "score": 0.82, "reason": "…"}]}

Give exactly one entry for every candidate id. "reason" is one English sentence that says why the candidate earns its score.`,

    title: `You write titles for short highlight clips cut from one video.

The user message is JSON. "topics" lists the clips, each with its "id", its "outline" and its subtitle "text".

Write one English title per clip: at most 60 characters, specific to what the clip says, without clickbait, quotation marks, emoji or numbering. Different clips get different titles.

Return one JSON object and nothing else, in this form:
{"titles": [{"id": "1", "title": "…"}]}

Give exactly one entry for every clip id.`,

    collections: `You group the highlight clips of one video into themed collections.

The user message is JSON with "min_collection_size" and "clips". Each clip has an "id", a "title", an "outline", and its "start" and "end" in seconds.

Form collections of clips that share a theme. Each collection contains at least min_collection_size clips, and a clip belongs to one collection at most. Leave out clips that fit no theme, and prefer a few coherent collections over many loose ones.

Return one JSON object and nothing else, in this form:
{"collections": [{"title": "…", "summary": "…", "clip_ids": ["1", "4"]}]}

"title" is an English title of at most 40 characters. "summary" is one or two English sentences that say what the clips have in common. Return {"collections": []} when no theme joins enough clips.`,
  },

  categoryHeading: "Video category: {category}. What makes a strong clip here:",

  categoryNames: {
    knowledge: "knowledge and science",
    business: "business and finance",
    opinion: "opinion and commentary",
    experience: "personal experience",
    speech: "speeches and talks",
    content_review: "reviews",
    entertainment: "entertainment",
  },

  categoryGuidance: {
    knowledge:
      "A clip explains one concept from question to answer, with a surprising fact, a clear analogy or a worked example. It should not depend on a definition given earlier in the video.",
    business:
      "A clip contains concrete numbers, a decision together with its reasons, a strategy, a forecast, or a lesson drawn from a real company or market.",
    opinion:
      "A clip states a clear position together with its strongest argument, or a sharp counterpoint. The claim and its support belong in the same clip, and memorable lines count for a lot.",
    experience:
      "A clip tells a complete story with a setup, a turning point and an outcome, told in vivid detail and ending in an honest lesson.",
    speech:
      "A clip contains a quotable passage, a complete argument or story from the talk, or a moment that moves the audience, such as a line that draws laughter or applause.",
    content_review:
      "A clip gives a clear verdict with its reasons, the strongest praise or criticism, a comparison, or a close look at one scene, chapter or feature of the work under review.",
    entertainment:
      "A clip contains a joke with its setup and punchline, a strong reaction, a surprising turn or a high-energy moment. It must include the setup a viewer needs to enjoy it.",
  },

  repair:
    "Your previous reply could not be used: {issue}. Reply again with only the corrected JSON object, in the form the instructions describe, and no other text.",
};

const CHINESE: PromptSet = {
  tasks: {
    outline: `你的任务是把一段视频字幕切分成若干话题，每个话题都可能成为一条短视频切片。

用户消息是 JSON。"cues" 是字幕列表，每条格式为 [序号, 开始秒数, 结束秒数, 文本]，从序号 "first_cue" 到 "last_cue"，可能只是长字幕中的一段。

只返回一个 JSON 对象，不要附加其他文字，格式如下：
{"topics": [{"start_cue": 0, "end_cue": 41, "outline": "……", "key_sentences": ["……", "……"]}]}

要求：
- 每个话题由从 start_cue 到 end_cue 的连续整条字幕组成（两端都包含），使用给出的序号。
- 话题按时间排列，互不重叠，合起来覆盖从 first_cue 到 last_cue 的每一条字幕。
- 话题时长（首条字幕开始到末条字幕结束）在 {min_seconds} 到 {max_seconds} 秒之间，除非内容实在无法做到。
- 话题在句子结束处开始和结束，单独观看时也能看懂。
- "outline"：用一句中文概括这个话题讲了什么。
- "key_sentences"：从该话题字幕中摘出一到三句最能体现要点的句子。
- 如果字幕在某个话题中途结束，就让这个话题在 last_cue 结束。`,

    score: `你的任务是给同一个视频中切出的候选切片打分。

用户消息是 JSON。"topics" 列出各个候选，每个都有 "id"、时长 "seconds"、概要 "outline" 和字幕文本 "text"。

按照单独观看时作为短视频的效果，给每个候选打 0 到 1 的分：观点是否明确，从第一句到最后一句是否完整，内容是否值得观众记住或转发，开头能否抓住注意力。请拉开分差：最好的候选给 0.8 以上，不值得发布的给 0.5 以下。

只返回一个 JSON 对象，不要附加其他文字，格式如下：
{"scores": [{"id": "1", "score": 0.82, "reason": "……"}]}

每个候选 id 恰好对应一项。"reason" 用一句中文说明得分的理由。`,

    title: `你的任务是为同一个视频中切出的短视频切片拟标题。

用户消息是 JSON。"topics" 列出各个切片，每个都有 "id"、概要 "outline" 和字幕文本 "text"。

为每个切片写一个中文标题：不超过 20 个字，紧扣切片内容，不做标题党，不加引号、表情符号或编号。不同切片的标题不能相同。

只返回一个 JSON 对象，不要附加其他文字，格式如下：
{"titles": [{"id": "1", "title": "……"}]}

每个切片 id 恰好对应一项。`,

    collections: `你的任务是把同一个视频的切片按主题归成合集。

用户消息是 JSON，包含 "min_collection_size" 和 "clips"。每个切片有 "id"、标题 "title"、概要 "outline"，以及以秒为单位的 "start" 和 "end"。

把主题相同的切片归成合集。每个合集至少包含 min_collection_size 个切片，每个切片最多属于一个合集。不属于任何主题的切片可以不放入合集。宁可少而精，不要多而散。

只返回一个 JSON 对象，不要附加其他文字，格式如下：
{"collections": [{"title": "……", "summary": "……", "clip_ids": ["1", "4"]}]}

"title" 是不超过 15 个字的中文标题，"summary" 用一两句中文说明这些切片的共同点。如果没有主题能凑够足够的切片，就返回 {"collections": []}。`,
  },

  categoryHeading: "视频类型：{category}。这类视频的好切片应当：",

  categoryNames: {
    knowledge: "知识科普",
    business: "商业财经",
    opinion: "观点评论",
    experience: "经验分享",
    speech: "演讲",
    content_review: "内容评测",
    entertainment: "娱乐",
  },

  categoryGuidance: {
    knowledge:
      "把一个概念从提问讲到解答，带有出人意料的事实、清楚的类比或完整的例子，并且不依赖视频前面给出的定义。",
    business: "包含具体数字、一个决策及其理由、一种策略、一项预测，或从真实公司和市场中得出的教训。",
    opinion: "亮明立场并给出最有力的论据，或者提出犀利的反驳。论点和论据要在同一条切片里，金句很加分。",
    experience: "讲完一个有起因、转折和结果的完整故事，细节生动，最后落到真诚的体会上。",
    speech: "包含值得引用的段落、一段完整的论证或故事，或者引发笑声、掌声等打动观众的时刻。",
    content_review:
      "给出明确的评价及理由、最有力的称赞或批评、一组对比，或者对作品某个场景、章节、功能的细致分析。",
    entertainment: "包含有铺垫有包袱的笑点、强烈的反应、意外的反转或高能时刻，并且带上观众看懂所需的铺垫。",
  },

  repair: "上一条回复无法使用：{issue}。请只返回修正后的 JSON 对象，格式与前面的要求一致，不要附加其他文字。",
};

/** Prompts by transcript language. */
export const PROMPTS: Record<"zh" | "en", PromptSet> = { en: ENGLISH, zh: CHINESE };

/** Replaces each `{name}` in `template` with `values[name]`; unknown names stay as they are. */
function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in values ? String(values[name]) : match,
  );
}

/**
 * Builds the system prompt of a request: the task's instructions in the transcript language,
 * followed by the guidance for the video category.
 */
export function buildSystemPrompt(
  language: "zh" | "en",
  task: LlmTask,
  category: VideoCategory,
  values: Record<string, string | number> = {},
): string {
  const prompts = PROMPTS[language];
  const heading = fill(prompts.categoryHeading, { category: prompts.categoryNames[category] });
  return `${fill(prompts.tasks[task], values)}\n\n${heading}\n${prompts.categoryGuidance[category]}`;
}

/** Builds the user message of a repair request in the transcript language. */
export function buildRepairMessage(language: "zh" | "en", issue: string): string {
  return fill(PROMPTS[language].repair, { issue });
}
