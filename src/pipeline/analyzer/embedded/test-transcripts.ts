import type { Cue, TranscriptFile } from "../../../../schemas/step-files.ts";

/** Vocabularies of three unrelated English subjects, for synthetic transcripts in tests. */
export const ENGLISH_VOCABULARIES = {
  coffee: [
    "espresso",
    "grinder",
    "roast",
    "beans",
    "brewing",
    "crema",
    "barista",
    "arabica",
    "acidity",
    "filter",
  ],
  astronomy: [
    "telescope",
    "galaxy",
    "orbit",
    "planet",
    "nebula",
    "comet",
    "asteroid",
    "eclipse",
    "gravity",
    "spectrum",
  ],
  garden: [
    "tomato",
    "compost",
    "soil",
    "seedling",
    "pruning",
    "mulch",
    "watering",
    "fertilizer",
    "greenhouse",
    "harvest",
  ],
};

/** Vocabularies of three unrelated Chinese subjects: coffee, sleep and running. */
export const CHINESE_VOCABULARIES = {
  coffee: ["咖啡豆", "烘焙", "研磨", "萃取", "手冲", "浓缩", "拿铁", "奶泡", "产地", "风味"],
  sleep: ["睡眠", "深睡", "做梦", "午睡", "闹钟", "褪黑素", "失眠", "枕头", "卧室", "作息"],
  running: ["跑步", "配速", "心率", "马拉松", "跑鞋", "拉伸", "膝盖", "耐力", "间歇", "热身"],
};

function englishSentence(words: readonly string[], index: number): string {
  const pick = (offset: number) => words[(index * offset + offset) % words.length] ?? "";
  if (index % 6 === 5) return `Why does the ${pick(3)} change the ${pick(7)}?`;
  return `The ${pick(1)} and the ${pick(3)} matter when we think about the ${pick(7)}.`;
}

function chineseSentence(words: readonly string[], index: number): string {
  const pick = (offset: number) => words[(index * offset + offset) % words.length] ?? "";
  if (index % 6 === 5) return `为什么${pick(3)}会影响${pick(7)}？`;
  return `${pick(1)}和${pick(3)}的关系很重要，${pick(7)}也要注意。`;
}

/**
 * Builds a transcript whose sections each use one vocabulary for `sectionSeconds`, with one
 * cue every `cueSeconds` and a 0.4 s pause between cues. Returns it with the start time of
 * every section after the first.
 */
export function buildSectionedTranscript(
  language: "zh" | "en",
  sections: ReadonlyArray<readonly string[]>,
  sectionSeconds: number,
  cueSeconds = 4,
): { transcript: TranscriptFile; changes: number[] } {
  const cues: Cue[] = [];
  const changes: number[] = [];
  let time = 0;

  sections.forEach((words, section) => {
    if (section > 0) changes.push(time);
    const count = Math.round(sectionSeconds / cueSeconds);
    for (let index = 0; index < count; index++) {
      const text = language === "zh" ? chineseSentence(words, index) : englishSentence(words, index);
      cues.push({ start: time, end: time + cueSeconds - 0.4, text });
      time += cueSeconds;
    }
  });

  return { transcript: { source: "synthetic.srt", format: "srt", language, cues }, changes };
}
