/**
 * Word lists for generated clip and collection text. The words are common in talks, vlogs and
 * lectures, so that titles, outlines and sentences have the length and byte mix of real
 * metadata: Chinese text is 3 bytes per character in UTF-8, English about 1.
 */

// biome-ignore format: a word list reads better packed than one word per line.
export const CHINESE_NOUNS = [
  "问题", "数据", "模型", "用户", "产品", "市场", "增长", "团队", "经验", "方法", "时间", "成本",
  "效率", "技术", "视频", "内容", "创作者", "平台", "算法", "观众", "故事", "城市", "旅行", "咖啡",
  "早餐", "健身", "读书", "投资", "风险", "收入", "职业", "面试", "简历", "公司", "创业", "融资",
  "客户", "需求", "设计", "工程师", "代码", "系统", "架构", "性能", "测试", "服务器", "网络", "安全",
  "隐私", "教育", "孩子", "父母", "家庭", "健康", "睡眠", "情绪", "压力", "习惯", "目标", "计划",
  "框架", "案例", "细节", "误区", "建议", "机会", "挑战", "变化", "趋势", "未来", "行业", "竞争",
  "价值", "价格", "品牌", "流量", "转化", "留存", "社区", "直播", "剪辑", "镜头", "灯光", "声音",
  "字幕", "标题", "封面", "节奏", "观点", "结论", "实验", "结果", "原因", "影响", "逻辑", "本质",
] as const;

// biome-ignore format: a word list reads better packed than one word per line.
export const CHINESE_VERBS = [
  "提高", "降低", "理解", "解决", "发现", "选择", "坚持", "改变", "优化", "分析", "讨论", "解释",
  "证明", "避免", "关注", "控制", "建立", "打造", "拆解", "复盘", "总结", "学习", "思考", "规划",
] as const;

// biome-ignore format: a word list reads better packed than one word per line.
export const CHINESE_CONNECTORS = [
  "所以", "但是", "因为", "而且", "如果", "然后", "其实", "比如", "也就是说", "换句话说", "最后",
  "首先", "其次", "另外", "同时",
] as const;

// biome-ignore format: a word list reads better packed than one word per line.
export const CHINESE_SUBJECTS = ["我们", "你", "大家", "很多人", "我自己", "这个团队", "每个人"] as const;

// biome-ignore format: a word list reads better packed than one word per line.
export const CHINESE_ADJECTIVES = [
  "关键", "核心", "简单", "复杂", "真实", "长期", "短期", "重要", "有效", "常见", "具体", "完整",
] as const;

// biome-ignore format: a word list reads better packed than one word per line.
export const ENGLISH_NOUNS = [
  "problem", "data", "model", "user", "product", "market", "growth", "team", "experience", "method",
  "time", "cost", "efficiency", "technology", "video", "content", "creator", "platform", "algorithm",
  "audience", "story", "city", "travel", "coffee", "breakfast", "workout", "reading", "investment",
  "risk", "income", "career", "interview", "resume", "company", "startup", "funding", "customer",
  "demand", "design", "engineer", "code", "system", "architecture", "performance", "test", "server",
  "network", "security", "privacy", "education", "children", "parents", "family", "health", "sleep",
  "emotion", "pressure", "habit", "goal", "plan", "framework", "example", "detail", "mistake",
  "advice", "opportunity", "challenge", "change", "trend", "future", "industry", "competition",
  "value", "price", "brand", "traffic", "conversion", "retention", "community", "livestream", "edit",
  "camera", "lighting", "sound", "subtitle", "title", "thumbnail", "pacing", "opinion", "conclusion",
] as const;

// biome-ignore format: a word list reads better packed than one word per line.
export const ENGLISH_VERBS = [
  "improve", "reduce", "understand", "solve", "discover", "choose", "keep", "change", "optimize",
  "analyze", "discuss", "explain", "prove", "avoid", "watch", "control", "build", "design", "break down",
  "review", "summarize", "learn", "rethink", "plan",
] as const;

// biome-ignore format: a word list reads better packed than one word per line.
export const ENGLISH_CONNECTORS = [
  "So", "But", "Because", "And", "If", "Then", "Actually", "For example", "In other words",
  "Finally", "First", "Second", "Also", "At the same time",
] as const;

// biome-ignore format: a word list reads better packed than one word per line.
export const ENGLISH_SUBJECTS = ["we", "you", "everyone", "a lot of people", "I", "the team", "each of us"] as const;

// biome-ignore format: a word list reads better packed than one word per line.
export const ENGLISH_ADJECTIVES = [
  "key", "core", "simple", "complex", "real", "long-term", "short-term", "important", "effective",
  "common", "concrete", "complete",
] as const;
