/**
 * Chinese words of spoken language that carry no topic: discourse markers, pronouns,
 * time words and vague quantities. Term statistics and key phrases skip them.
 */
export const CHINESE_STOPWORDS: ReadonlySet<string> = new Set(
  (
    "时候 可以 大家 其实 如果 因为 所以 但是 然后 就是 这样 那样 什么 怎么 为什么 这个 那个 一些 一下 一点 " +
    "还是 已经 觉得 知道 今天 现在 非常 比较 应该 需要 可能 一定 一般 很多 东西 事情 自己 你们 他们 下来 起来 " +
    "出来 来说 来看 的话 接下 一起 之后 之前 以后 以前 还有 或者 而且 只是 这里 那里 这些 那些 真的 当然 比如 " +
    "例如 首先 最后 另外 谢谢 好了 那么 这么 怎样 不是 没有 不会 不要 就会 也是 都是 还会 为了 对于 关于 " +
    "来聊 聊聊 我们 咱们 这种 那种 这次 那次 一次 一个 几个 有点 有些"
  ).split(" "),
);

/** Chinese numerals; a term or phrase made of numerals and function characters carries no topic. */
export const CHINESE_NUMERALS: ReadonlySet<string> = new Set(
  Array.from("零一二两三四五六七八九十百千万半几"),
);

/** Characters that never sit inside a Chinese term: the particle 的 and sentence-final particles. */
export const CHINESE_PARTICLES: ReadonlySet<string> = new Set(Array.from("的吗呢吧啊嗯哦呀嘛呃"));
