/**
 * English function words and filler words of spoken language, lowercase, with straight
 * apostrophes. They carry no topic, so term statistics and titles skip them.
 */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  (
    "a about above after again against all almost also although always am among an and another any anybody " +
    "anyone anything anyway are aren't around as at back be because been before being below between both but by " +
    "can can't cannot could couldn't did didn't do does doesn't doing don't done down during each either else " +
    "enough even ever every everybody everyone everything few for from further get gets getting go goes going " +
    "gone gonna got gotta had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers " +
    "herself him himself his how how's however i i'd i'll i'm i've if in into is isn't it it'd it'll it's its " +
    "itself just kind know let let's like likely lot lots made make makes making many may maybe me might mine " +
    "more most much must mustn't my myself need needs never no nobody none nor not nothing now of off often oh " +
    "ok okay on once one ones only onto or other others otherwise ought our ours ourselves out over own per " +
    "perhaps pretty quite rather really right said same say says see seem seems shall she she'd she'll she's " +
    "should shouldn't since so some somebody someone something sometimes somewhat sort still such sure take " +
    "takes than that that's the their theirs them themselves then there there's these they they'd they'll " +
    "they're they've thing things think this those though through thus to too toward towards uh um under " +
    "until up upon us use used using very via want wants was wasn't way we we'd we'll we're we've well went " +
    "were weren't what what's whatever when where where's whether which while who who's whole whom whose why " +
    "will with within without won't would wouldn't yeah yes yet you you'd you'll you're you've your yours " +
    "yourself yourselves actually basically kinda stuff"
  ).split(" "),
);
