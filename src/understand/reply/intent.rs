//! Intent of a reply: scored phrase rules per intent (EN, DE, JA, FR, ES),
//! negation handling, then a precedence resolution by meaning (DESIGN.md):
//!
//! 1. `unsubscribe` — "nice product, but take me off your list";
//! 2. `referral` — someone else is named to handle it (an address or a name);
//! 3. `question` — a real question ("Not ready yet, but what would it cost?"),
//!    unless the question only asks for something another intent covers
//!    ("can you follow up after the summer?" is `not_now`);
//! 4. `not_now` — beats interest and refusal ("not interested right now");
//! 5. `interested` vs `not_interested` — the stronger; a tie is a refusal.
//!
//! Negation: a negator in a small window before a phrase ("not", "n't",
//! "nicht", "kein", "pas", "no" …; "nicht" also just after, German style)
//! turns a negatable phrase into its opposite, so "not uninterested" is
//! interest and "not interested" is a refusal. Idioms with their own
//! negation ("wouldn't say no to a demo") are matched first and masked, so
//! their negator does not flip a later phrase. Japanese negation is written
//! into the phrases themselves (興味はありません).

use once_cell::sync::Lazy;
use regex::Regex;

use super::revisit;
use crate::understand::Intent;

/// What the intent reader found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntentReading {
    pub intent: Option<Intent>,
    /// The phrases that decided the intent.
    pub phrases: Vec<String>,
    pub referral_email: Option<String>,
    pub referral_name: Option<String>,
    /// For `not_now`: when to come back (ISO date), if stated.
    pub revisit: Option<String>,
}

struct Rule {
    intent: Intent,
    re: Regex,
    weight: i32,
    /// The intent when a negator precedes the phrase; `None`: not negatable.
    negated: Option<Intent>,
    /// Idioms are masked once matched so their own negator flips nothing.
    idiom: bool,
}

/// Reads the intent of the new reply text (quotes already stripped).
pub fn read(text: &str, date: Option<&str>) -> IntentReading {
    let mut reading = IntentReading::default();
    let text = text.trim();
    if text.is_empty() {
        return reading;
    }
    // Bounded work: the first 8 KiB of new text carry the ask.
    let text = &text[..super::super::body::floor_char_boundary(text, 8 * 1024)];
    let lower = text.to_lowercase().replace(['’', '‘', '`'], "'");

    let mut scores = Scores::default();
    for sentence in sentences(&lower) {
        score_sentence(sentence, &mut scores);
    }

    let referral = find_referral(text);
    let intent = if scores.get(Intent::Unsubscribe) > 0 {
        Some(Intent::Unsubscribe)
    } else if scores.get(Intent::Referral) > 0 && referral.is_some() {
        Some(Intent::Referral)
    } else if scores.get(Intent::Question) > 0
        && scores.get(Intent::Question) > scores.get(Intent::NotInterested)
    {
        Some(Intent::Question)
    } else if scores.get(Intent::NotNow) > 0 {
        Some(Intent::NotNow)
    } else if scores.get(Intent::Interested) > scores.get(Intent::NotInterested) {
        Some(Intent::Interested)
    } else if scores.get(Intent::NotInterested) > 0 {
        Some(Intent::NotInterested)
    } else if !scores.generic_questions.is_empty() {
        Some(Intent::Question)
    } else {
        None
    };
    let Some(intent) = intent else { return reading };
    reading.intent = Some(intent);
    reading.phrases = scores.phrases(intent);
    if reading.phrases.is_empty() && intent == Intent::Question {
        reading.phrases = scores.generic_questions.clone();
    }
    if intent == Intent::Referral
        && let Some((email, name)) = referral
    {
        reading.referral_email = email;
        reading.referral_name = name;
    }
    if intent == Intent::NotNow {
        reading.revisit = revisit::revisit_date(text, revisit::base_date(date));
    }
    reading
}

#[derive(Default)]
struct Scores {
    hits: Vec<(Intent, i32, String)>,
    /// Sentences that are questions only by their question mark: they
    /// decide only when nothing else does ("Thursday afternoon?" after
    /// "I'd love a demo" is interest).
    generic_questions: Vec<String>,
}

impl Scores {
    fn add(&mut self, intent: Intent, weight: i32, phrase: &str) {
        self.hits.push((intent, weight, phrase.trim().to_string()));
    }
    fn get(&self, intent: Intent) -> i32 {
        self.hits
            .iter()
            .filter(|(i, _, _)| *i == intent)
            .map(|(_, w, _)| w)
            .sum()
    }
    fn phrases(&self, intent: Intent) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (i, _, p) in &self.hits {
            if *i == intent && !out.contains(p) {
                out.push(p.clone());
            }
        }
        out
    }
}

/// Sentences with their terminator kept, so questions can be told.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '!' | '?' | '\n' | '。' | '！' | '？' | ';') {
            let end = i + c.len_utf8();
            // "e.g." / "3.5" / "Dr." are not sentence ends.
            let next = text[end..].chars().next();
            if c == '.' && next.is_some_and(|n| !n.is_whitespace()) {
                continue;
            }
            out.push(&text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out.into_iter()
        .map(str::trim)
        .filter(|s| s.chars().any(char::is_alphanumeric))
        .collect()
}

fn is_question(sentence: &str) -> bool {
    static JA_Q: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"(?:ですか|ますか|でしょうか|ませんか|か)[。？?]?$").unwrap());
    sentence.ends_with(['?', '？']) || sentence.starts_with('¿') || JA_Q.is_match(sentence)
}

fn score_sentence(sentence: &str, scores: &mut Scores) {
    // Work on a copy where matched idioms are blanked out (same byte length,
    // ASCII spaces, so offsets stay valid).
    let mut work = sentence.to_string();
    let mut other_hit = false;
    let mut explicit_question = false;
    for rule in RULES.iter() {
        let mut masks = Vec::new();
        for m in rule.re.find_iter(&work) {
            let negator = rule
                .negated
                .and_then(|_| negated_before(&work[..m.start()]));
            let (intent, phrase) = match rule.negated {
                // Record "not interested", not just "interested".
                Some(flipped) if negator.is_some() => {
                    (flipped, &work[negator.unwrap_or(0)..m.end()])
                }
                Some(flipped) if negated_after(&work[m.end()..]) => (flipped, m.as_str()),
                _ => (rule.intent, m.as_str()),
            };
            scores.add(intent, rule.weight, phrase);
            if intent == Intent::Question {
                explicit_question = true;
            } else if intent != Intent::Interested || !is_soft_interest(m.as_str()) {
                other_hit = true;
            }
            if rule.idiom {
                masks.push(m.range());
            }
        }
        for r in masks {
            work.replace_range(r.clone(), &" ".repeat(r.len()));
        }
    }
    // "Not interested right now" is a "not now".
    static TEMPORAL: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"\b(?:right now|at the moment|at this (?:time|point|stage)|for now|at present|derzeit|momentan|im moment|zurzeit|pour le moment|pour l'instant|por ahora|de momento|en este momento)\b|今は|現時点では|今のところ").unwrap()
    });
    if scores
        .hits
        .iter()
        .any(|(i, _, p)| *i == Intent::NotInterested && sentence.contains(p.as_str()))
        && let Some(m) = TEMPORAL.find(sentence)
    {
        scores.add(Intent::NotNow, 4, m.as_str());
        other_hit = true;
    }
    // A question that asks for nothing another rule covers is a question.
    if is_question(sentence) && !explicit_question && !other_hit {
        let phrase: String = sentence.chars().take(80).collect();
        scores.generic_questions.push(phrase);
    }
}

/// "thanks"-like politeness does not answer a question by itself.
fn is_soft_interest(phrase: &str) -> bool {
    matches!(phrase, "interesting" | "sounds interesting" | "interessant")
}

/// Where the negator before a phrase starts, if one is close enough.
fn negated_before(before: &str) -> Option<usize> {
    static NEG: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?x)(?:\b(?:not|no|never|nor|hardly|without|no\ longer|nicht|kein|keine|keinen|keinem|keiner|nie|niemals|ne|pas|jamais|plus|nunca|tampoco|ni)\b|n't|\bn')[^.,;:!?]{0,24}$",
        )
        .unwrap()
    });
    let start = super::super::body::floor_char_boundary(before, before.len().saturating_sub(48));
    let tail = &before[start..];
    NEG.find(tail).map(|m| start + m.start())
}

fn negated_after(after: &str) -> bool {
    static NEG: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"^\s*(?:(?:uns|mich|mir|es|das|derzeit|momentan)\s+){0,2}nicht\b").unwrap()
    });
    NEG.is_match(after)
}

fn rule(intent: Intent, weight: i32, negated: Option<Intent>, idiom: bool, pattern: &str) -> Rule {
    Rule {
        intent,
        re: Regex::new(pattern).unwrap(),
        weight,
        negated,
        idiom,
    }
}

static RULES: Lazy<Vec<Rule>> = Lazy::new(|| {
    use Intent::*;
    vec![
        // Idioms first: double negatives that mean yes, and "not now" forms.
        rule(
            Interested,
            3,
            None,
            true,
            r"\b(?:would(?:n't| not)|wouldn't|won't|will not)\s+(?:say no|object|mind|be opposed)\b|\bnot\s+(?:un(?:interested|willing)|opposed|against)\b|\bwhy not\b|\bcan't wait\b|\bhätte(?:n)? nichts dagegen\b|\bnicht abgeneigt\b|\bnicht uninteressant\b",
        ),
        rule(
            NotNow,
            4,
            None,
            true,
            r"\b(?:not|isn't|aren't|no)\s+(?:(?:a\s+)?(?:priority|focus)\s+)?(?:right now|now|yet|at (?:this|the) (?:time|moment|point|stage)|for now|at present|currently|this (?:year|quarter|month))\b|\bnot (?:ready|the right time)\b|\b(?:bad|wrong) timing\b|\btoo (?:early|soon)\b",
        ),
        rule(
            NotNow,
            4,
            None,
            true,
            r"\b(?:derzeit|momentan|aktuell|zurzeit|im moment|gerade|noch)\s+(?:kein(?:en|e)?|nicht)\b|\bnoch zu früh\b|\bpas (?:pour le moment|maintenant|tout de suite|encore|pour l'instant)\b|\b(?:por ahora|de momento|por el momento|en este momento|ahora mismo|todavía|aún) no\b|\bno (?:por ahora|de momento|en este momento|todavía|aún)\b",
        ),
        // Unsubscribe.
        rule(
            Unsubscribe,
            6,
            None,
            true,
            r"\bunsubscribe\b|\bopt(?:-|\s)?out\b|\btake (?:me|us|my (?:email|address|name)) off\b|\bremove (?:me|us|my (?:email|address|name|details|data))\b|\bstop (?:emailing|e-mailing|sending|contacting|mailing|writing|messaging)\b|\b(?:don't|do not|never) (?:email|e-mail|contact|write to|message|mail) (?:me|us)\b|\bno (?:more|further) (?:emails|e-mails|messages|mails)\b|\boff (?:your|the|this) (?:mailing |email |distribution )?list\b|\bdelete my (?:data|email|address|contact|details)\b|\bstop (?:these|this|your) (?:emails|e-mails|messages)\b",
        ),
        rule(
            Unsubscribe,
            6,
            None,
            true,
            r"\babmelden\b|\babbestellen\b|\baustragen\b|\baus (?:dem|ihrem|diesem) (?:verteiler|newsletter|e-?mail-?verteiler)\b|\bkeine (?:weiteren |werbe-?)?(?:e-?mails|nachrichten|werbung|zusendungen)\b|\bnicht mehr (?:kontaktieren|anschreiben|anrufen|schreiben|zuschicken)\b|\b(?:meine daten|meine adresse|mich) (?:bitte )?(?:löschen|entfernen)\b|\bentfernen sie mich\b",
        ),
        rule(
            Unsubscribe,
            6,
            None,
            true,
            r"配信(?:を)?(?:停止|解除|不要)|登録(?:を)?解除|(?:今後|以後)(?:の)?(?:ご連絡|連絡|ご案内|案内|メール)(?:は|も)?(?:不要|結構|ご遠慮|お控え|しないで|送らないで|お断り)|メール(?:を)?送らないで|リストから(?:削除|外して)",
        ),
        rule(
            Unsubscribe,
            6,
            None,
            true,
            r"\bdésabonner\b|\bdésinscri\w*|\bne plus (?:me |nous )?(?:contacter|envoyer|écrire)\b|\b(?:retirez|supprimez|enlevez)[- ]moi\b|\bdarme de baja\b|\bdarnos de baja\b|\bdar(?:se)? de baja\b|\bno (?:me |nos )?(?:contacten|escriban|envíen|manden) más\b|\b(?:elimínenme|quítenme|sáquenme)\b|\bde (?:su|la) lista\b",
        ),
        // Referral.
        rule(
            Referral,
            4,
            None,
            false,
            r"\b(?:please |pls )?(?:contact|reach out to|get in touch with|talk to|speak (?:to|with)|email|e-mail|write to|loop in|connect with|follow up with|send (?:it|this|them|that) to)\s+(?:my |our )?(?:colleague|coworker|co-worker|partner|boss|manager|head of|director|cto|ceo|cfo|team|him|her|them|\w+@)|\b(?:is|would be|are) (?:the |a )?(?:right|better|best|correct|appropriate) (?:person|contact|people)\b|\b(?:i'm|i am|we're|we are) not the (?:right|best|correct) (?:person|contact|people)\b|\b(?:handles|handling|takes care of|is responsible for|are responsible for|in charge of|looks after|decides|makes the decisions?|owns (?:this|that))\b|\bforward(?:ed|ing)? (?:this|your (?:email|message|note)) to\b|\bmy colleague\b|\b(?:contact|reach out to|get in touch with|talk to|speak (?:to|with)|write to|email|e-mail|ping|call)\b[^.?!\n]{0,60}@|\bmakes? (?:the |these |those |all |such )?(?:final )?decisions?\b|\bdecision[- ]maker\b",
        ),
        rule(
            Referral,
            4,
            None,
            false,
            r"\b(?:wenden sie sich|melden sie sich|schreiben sie)\s+(?:bitte\s+)?an\b|\b(?:ist|wäre) (?:der|die) (?:richtige|bessere) (?:ansprechpartner(?:in)?|person|kontakt)\b|\bzuständig\b|\bkümmert sich\b|\bentscheidet\b|\b(?:mein|meine|meinen|unser|unsere) (?:kollege|kollegin|kollegen|chef|chefin|einkauf)\b|\bansprechpartner(?:in)?\b",
        ),
        rule(
            Referral,
            4,
            None,
            false,
            r"担当(?:者)?(?:は|の|が|である|です)|(?:こちら|下記|以下|彼|彼女)(?:に|へ|まで)(?:ご連絡|連絡|ご相談)|窓口|決裁者|責任者",
        ),
        rule(
            Referral,
            4,
            None,
            false,
            r"\b(?:contactez|adressez-vous à|écrivez à|voyez avec)\b|\b(?:mon|ma|notre) (?:collègue|responsable|directeur|directrice)\b|\b(?:est|serait) (?:la bonne personne|le bon interlocuteur|la personne à contacter)\b|\bs'occupe de\b|\b(?:contacte|contacten|contactar|escriba|escriban|hable|hablen)\s+(?:con|a)\b|\b(?:mi|nuestro|nuestra) (?:colega|compañer[oa]|responsable|jef[ea])\b|\b(?:es|sería) la persona (?:adecuada|indicada|correcta)\b|\bse encarga\b|\bencargad[oa] de\b",
        ),
        // Questions that are questions whatever else the sentence says.
        rule(
            Question,
            3,
            None,
            false,
            r"\bhow much\b|\bwhat (?:would|does|do|will|is|are) (?:it|this|that|the|your)?\s*(?:cost|price|pricing|fee|rate)s?\b|\bwhat(?:'s| is| are) (?:the |your )?(?:price|pricing|cost|fee|rate|terms|lead time)s?\b|\b(?:price|pricing|cost|quote) (?:for|of|per)\b|\bdo you (?:offer|support|have|provide|integrate|work with|ship|install|cover)\b|\b(?:is|are) (?:it|there|they|you) (?:possible|compatible|available|able)\b|\bcan (?:it|you|your \w+) (?:handle|integrate|support|work with)\b|\bhow (?:does|do|would|long|many|soon)\b|\bi was wondering\b|\bwhich (?:\w+ )?(?:plan|option|model|version)\b",
        ),
        rule(
            Question,
            3,
            None,
            false,
            r"\bwas kostet\b|\bwie viel\b|\bwie teuer\b|\bwelche kosten\b|\bgibt es\b|\bbieten sie\b|\bunterstützt\b.*\?|\bkönnen sie (?:mir )?(?:sagen|erklären)\b|\bwie lange\b|\bwie funktioniert\b",
        ),
        rule(
            Question,
            3,
            None,
            false,
            r"いくら|費用(?:は|について|感)|料金(?:は|について|体系)|価格(?:は|について)|見積(?:もり)?(?:は|を)?(?:いただけ|頂け|ください|お願い)|対応(?:していますか|可能でしょうか|できますか)|可能でしょうか|教えていただけ|教えて頂け|ございますか",
        ),
        rule(
            Question,
            3,
            None,
            false,
            r"\bcombien\b|\bquel (?:est|serait) (?:le )?(?:prix|coût|tarif)\b|\best-(?:il|ce) (?:possible|compatible)\b|\bproposez-vous\b|\bcuánto (?:cuesta|cuestan|costaría)\b|\bcuál (?:es|sería) el (?:precio|costo|coste)\b|\b(?:es|sería) posible\b|\bofrecen\b",
        ),
        // Not now.
        rule(
            NotNow,
            4,
            None,
            false,
            r"\b(?:follow up|circle back|check back|reach out|get back|touch base|reconnect|revisit|ping me|ping us|contact me|contact us|come back|try (?:me |us )?again|talk|speak|chat|write)(?: again| to me| to us| with me| with us)? (?:in|next|after|later|around|once|when|at the (?:end|start|beginning) of|early|toward|towards)\b|\b(?:next|the next|the coming) (?:year|quarter|spring|summer|fall|autumn|winter|fiscal year|budget cycle)\b|\blater (?:this|in the|next) (?:year|quarter|month)\b|\b(?:in|after) (?:a few|a couple of|\d+|two|three|four|six|several) (?:weeks|months|years)\b|\bin (?:about |around )?a year\b|\bafter (?:the|our) (?:summer|holidays|new year|budget|quarter|launch|migration|merger|renovation|move|audit|fiscal)\b|\bon hold\b|\bpostpone\w*|\bdown the (?:road|line)\b|\b(?:busy|swamped|slammed|tied up) (?:right now|at the moment|until|for now|with)\b|\bin (?:q[1-4]|the new year|january|february|march|april|june|july|august|september|october|november|december|the spring|the summer|the fall|the autumn|spring|summer|autumn)\b|\bmaybe later\b|\bbudget (?:is )?(?:frozen|freeze)\b|\bno budget (?:this|until|for now|right now)\b",
        ),
        rule(
            NotNow,
            4,
            None,
            false,
            r"\b(?:nächste[sn]?|kommende[sn]?) (?:jahr|quartal|frühjahr|monat|sommer|herbst)\b|\b(?:im|ab) (?:frühjahr|frühling|sommer|herbst|winter|januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|neuen jahr)\b|\bnach (?:dem sommer|den sommerferien|den feiertagen|ostern|weihnachten|dem umzug|der umstellung)\b|\bspäter (?:im jahr|noch einmal|nochmal|wieder|melden)\b|\b(?:in|nach) (?:\d+|ein paar|einigen|zwei|drei|sechs) (?:wochen|monaten|jahren)\b|\bin (?:einem|etwa einem) jahr\b|\bmelden sie sich (?:gerne |bitte )?(?:wieder|nochmal|erneut|später)\b|\bzu einem späteren zeitpunkt\b",
        ),
        rule(
            NotNow,
            4,
            None,
            false,
            r"今は(?:まだ)?|現時点では|今のところ|時期尚早|来年|来期|来月|来春|春頃|秋頃|夏以降|年明け|\d+\s*(?:ヶ|か|カ|ケ|ヵ)月後|半年後|改めて(?:ご連絡|連絡)|また(?:後日|改めて)|落ち着いたら|先になります|時期が来たら",
        ),
        rule(
            NotNow,
            4,
            None,
            false,
            r"\b(?:l'année|l'an) prochaine?\b|\b(?:au|le) (?:printemps|l'automne)\b|\bdans (?:\d+|quelques|deux|trois|six) (?:mois|semaines|ans)\b|\b(?:recontactez|revenez vers|relancez)[- ]moi\b|\bplus tard\b|\baprès l'été\b|\bà la rentrée\b|\b(?:el )?(?:próximo|siguiente) (?:año|trimestre|mes)\b|\bel año que viene\b|\b(?:en|dentro de) (?:\d+|unos|dos|tres|seis) (?:meses|semanas|años)\b|\bmás adelante\b|\bdespués del verano\b|\b(?:vuelva|vuelvan) a (?:contactar|escribir)\b|\ben (?:primavera|otoño|enero|febrero|marzo)\b",
        ),
        // Not interested (negatable: "not uninterested" counts as interest).
        rule(
            NotInterested,
            3,
            Some(Interested),
            false,
            r"\buninterested\b|\bno thanks?\b|\bno thank you\b|\b(?:we're|we are|i'm|i am) (?:all set|covered|good for now|happy with (?:our|the|my) current)\b|\b(?:already (?:have|use|work with|signed|chose|bought|purchased|installed|found)|went with (?:another|a different|someone))\b|\bno need\b|\bnot (?:a (?:good )?fit|for us|relevant|something we need)\b|\b(?:we'll|we will|i'll|i will) pass\b|\bdecided (?:to go|against|not)\b|\bplease (?:don't|do not) bother\b",
        ),
        rule(
            NotInterested,
            3,
            Some(Interested),
            false,
            r"\bkein (?:interesse|bedarf)\b|\bnein danke\b|\bhaben (?:bereits|schon) (?:einen|eine|ein)\b|\b(?:brauchen|benötigen) wir nicht\b|\bpasst nicht\b|\bpas (?:besoin|intéressée?s?)\b|\bnon merci\b|\bnous avons déjà\b|\bno (?:me|nos) interesa\b|\bno (?:estoy|estamos) interesad[oa]s?\b|\bno (?:necesito|necesitamos)\b|\bno,? gracias\b|\bya (?:tenemos|contamos con)\b",
        ),
        rule(
            NotInterested,
            3,
            None,
            false,
            r"興味(?:は|が)?(?:ありません|ない|ございません|無い)|必要(?:は|が)?(?:ありません|ない|ございません)|不要です|結構です|見送(?:り|らせて|ります)|間に合って(?:います|おります)|(?:既に|すでに)(?:導入|利用|契約)|お断り|辞退",
        ),
        // Interested (negatable: "not interested" is a refusal).
        rule(
            Interested,
            2,
            Some(NotInterested),
            false,
            r"\binterest(?:ed|ing)\b|\b(?:sounds|looks) (?:good|great|interesting|promising|useful)\b|\b(?:let's|let us|happy to|glad to|would love to|i'd love to|we'd love to|keen to|open to|like to|want to)\s+(?:talk|chat|meet|connect|hop on|schedule|set up|book|learn|see|hear|try|move forward|proceed|discuss)\b|\b(?:schedule|book|set up|arrange|have) (?:a |the )?(?:call|demo|meeting|chat|site visit|consultation|visit)\b|\b(?:send|share|email) (?:me |us )?(?:some |more |the )?(?:info|information|details|a quote|the quote|a proposal|an offer|pricing|brochure|materials|case studies)\b|\btell me more\b|\b(?:count|sign) (?:me|us) (?:in|up)\b|\byes,? please\b|\blove to\b|\b(?:we're|we are) (?:looking|in the market) for\b|\bworks for (?:me|us)\b|\bgo ahead\b|\bdemo\b|\bi'm in\b",
        ),
        rule(
            Interested,
            2,
            Some(NotInterested),
            false,
            r"\binteressiert\b|\binteresse\b|\bklingt (?:gut|interessant|spannend|super)\b|\bgerne?\b|\b(?:senden|schicken) sie (?:mir|uns) (?:gerne |bitte )?(?:ein angebot|mehr informationen|unterlagen|infos|details)\b|\btermin (?:vereinbaren|ausmachen|machen)\b|\brufen sie (?:mich|uns) (?:gerne )?an\b|\binteressant\b",
        ),
        rule(
            Interested,
            3,
            None,
            false,
            r"興味があ(?:ります|る)|関心があ(?:ります|る)|ぜひ|是非|詳しく(?:聞きたい|知りたい|教えて|お聞かせ)|資料(?:を)?(?:送って|お送り|いただけ|頂け|ください|希望)|打ち合わせ|お打合せ|デモ(?:を)?(?:お願い|希望|見たい|拝見)|前向きに検討|検討したい|お話(?:を)?(?:伺いたい|聞きたい|お聞きしたい)|説明を(?:聞きたい|お願い)",
        ),
        rule(
            Interested,
            2,
            Some(NotInterested),
            false,
            r"\bintéressée?s?\b|\bça m'intéresse\b|\bvolontiers\b|\b(?:envoyez|envoyer)[- ]moi\b|\b(?:m'|nous )envoyer (?:une offre|un devis|la documentation|des informations|plus d'informations|une proposition)\b|\b(?:prendre|fixer|planifier|organiser) (?:un )?(?:rendez-vous|appel|rdv)\b|\bavec plaisir\b|\binteresad[oa]s?\b|\bme interesa\b|\bnos interesa\b|\b(?:envíe|envíen|mande|manden)(?:me|nos)?\b|\b(?:agendar|programar|concertar|coordinar) (?:una )?(?:llamada|reunión|demo|cita)\b|\bcon gusto\b|\bsuena (?:bien|interesante)\b",
        ),
    ]
});

/// The person the reply hands over to: (email, name).
fn find_referral(text: &str) -> Option<(Option<String>, Option<String>)> {
    static EMAIL: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}").unwrap());
    static GOOD: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)contact|reach|get in touch|talk|speak|write|email (?:her|him|them)|decid|decision|responsible|in charge|handles|handling|right person|best person|owns|zuständig|entscheid|ansprechpartner|wenden|kontaktier|担当|決裁|責任者|ご連絡|窓口|contactez|responsable|décide|interlocuteur|contacte|encarga|decide|persona adecuada").unwrap()
    });
    static PASSING: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)\bcc\b|cc'?d|\bcopied\b|\bcopying\b|in copy|\bfyi\b|in kopie|\bkopie\b|en copie|con copia|ccに|ccで|\bcc:|also (?:sent|forwarded)|\bassistant\b|\bsecretary\b").unwrap()
    });
    let mut best: Option<(i32, usize, String)> = None;
    for m in EMAIL.find_iter(text).take(20) {
        let (s, e) = sentence_bounds(text, m.start(), m.end());
        let sentence = &text[s..e];
        let mut score = GOOD.find_iter(sentence).count() as i32 * 2;
        if PASSING.is_match(sentence) {
            score -= 3;
        }
        if best.as_ref().is_none_or(|(b, _, _)| score > *b) {
            best = Some((score, m.start(), m.as_str().to_string()));
        }
    }
    match best {
        Some((score, at, email)) if score > 0 || EMAIL.find_iter(text).count() == 1 => {
            let name = name_before(&text[..at]).or_else(|| colleague_name(text));
            Some((Some(email.to_lowercase()), name))
        }
        _ => colleague_name(text).map(|n| (None, Some(n))),
    }
}

/// The sentence around a byte range: bounded by `.!?\n。` (not inside addresses).
fn sentence_bounds(text: &str, start: usize, end: usize) -> (usize, usize) {
    let is_end = |c: char, next: Option<char>| {
        matches!(c, '!' | '?' | '\n' | '。' | '？' | '！')
            || (c == '.' && next.is_none_or(char::is_whitespace))
    };
    let before = &text[..start];
    let mut s = 0;
    let mut prev_chars = before.char_indices().peekable();
    while let Some((i, c)) = prev_chars.next() {
        let next = prev_chars.peek().map(|(_, n)| *n);
        if is_end(c, next) {
            s = i + c.len_utf8();
        }
    }
    let after = &text[end..];
    let mut e = text.len();
    let mut chars = after.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|(_, n)| *n);
        if is_end(c, next) {
            e = end + i;
            break;
        }
    }
    (s, e)
}

/// "Jane Doe (jane@…", "Jane Doe <jane@…", "Jane Doe at jane@…", "佐藤（sato@…".
fn name_before(before: &str) -> Option<String> {
    static LATIN: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(\p{Lu}[\p{Ll}'\-]+(?:\s\p{Lu}[\p{Ll}'\-]+){0,2})\s*(?:\(|<|\[|,|:|-|–|\bat\b|\bunter\b|\bà\b|\ben\b|\ba\b|\bvia\b|\bon\b)?\s*(?:mailto:)?$").unwrap()
    });
    static CJK: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"([\p{Han}\p{Katakana}]{1,4}(?:[\s　][\p{Han}\p{Katakana}\p{Hiragana}]{1,4})?)(?:さん|様|氏)?(?:まで)?\s*[（(<＜:：]?\s*$").unwrap()
    });
    const NOT_NAMES: &[&str] = &[
        "Please", "Contact", "Email", "Mail", "Her", "Him", "Them", "Or", "And", "At", "Thanks",
        "Hi", "Hello", "Bitte", "Sie", "Merci", "Gracias", "Reach", "Write",
    ];
    let start = super::super::body::floor_char_boundary(before, before.len().saturating_sub(80));
    let tail = &before[start..];
    let tail = &tail[tail.char_indices().next().map_or(0, |(i, _)| i)..];
    if let Some(c) = LATIN.captures(tail) {
        let name = c.get(1)?.as_str().trim();
        let words: Vec<&str> = name
            .split_whitespace()
            .filter(|w| !NOT_NAMES.contains(w))
            .collect();
        if !words.is_empty() {
            return Some(words.join(" "));
        }
    }
    CJK.captures(tail)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim().to_string())
        .filter(|n| !n.is_empty())
}

/// "my colleague Jane Doe", "meine Kollegin Anna Berg", "担当の佐藤".
fn colleague_name(text: &str) -> Option<String> {
    static RE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i:colleague|coworker|co-worker|kollege|kollegin|collègue|colega|compañer[oa]|manager|boss|chef|chefin)\s*,?\s+(\p{Lu}[\p{Ll}'\-]+(?:\s\p{Lu}[\p{Ll}'\-]+)?)|担当の([\p{Han}\p{Katakana}]{1,4})").unwrap()
    });
    let c = RE.captures(text)?;
    c.get(1)
        .or_else(|| c.get(2))
        .map(|m| m.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(text: &str) -> Option<Intent> {
        read(text, Some("2026-11-20T10:00:00+00:00")).intent
    }

    #[test]
    fn precedence_follows_meaning() {
        assert_eq!(
            intent("Not ready yet, but what would it cost?"),
            Some(Intent::Question)
        );
        assert_eq!(
            intent("Can you follow up after the summer?"),
            Some(Intent::NotNow)
        );
        assert_eq!(
            intent("can you follow up after the summer"),
            Some(Intent::NotNow)
        );
        assert_eq!(
            intent("Nice product, but take me off your list."),
            Some(Intent::Unsubscribe)
        );
        assert_eq!(intent("We are not uninterested."), Some(Intent::Interested));
        assert_eq!(
            intent("I wouldn't say no to a demo."),
            Some(Intent::Interested)
        );
        assert_eq!(
            intent("Not interested, thanks."),
            Some(Intent::NotInterested)
        );
        assert_eq!(intent("Not interested right now."), Some(Intent::NotNow));
        assert_eq!(intent("Thanks for the note."), None);
    }

    #[test]
    fn referral_names_the_decider_not_the_copied() {
        let r = read(
            "I've cc'd my assistant tom@northwind.example. The person who decides is Jane Roe (jane.roe@northwind.example), please contact her.",
            None,
        );
        assert_eq!(r.intent, Some(Intent::Referral));
        assert_eq!(
            r.referral_email.as_deref(),
            Some("jane.roe@northwind.example")
        );
        assert_eq!(r.referral_name.as_deref(), Some("Jane Roe"));
    }

    #[test]
    fn not_now_gets_a_revisit_date() {
        let r = read(
            "Please get back to us in the spring.",
            Some("2026-11-20T10:00:00+00:00"),
        );
        assert_eq!(r.intent, Some(Intent::NotNow));
        assert_eq!(r.revisit.as_deref(), Some("2027-03-01"));
    }

    #[test]
    fn japanese_and_german_are_read() {
        assert_eq!(
            intent("お世話になっております。\n資料をお送りいただけますでしょうか。"),
            Some(Intent::Interested)
        );
        assert_eq!(
            intent("今回は見送らせていただきます。"),
            Some(Intent::NotInterested)
        );
        assert_eq!(intent("来年改めてご連絡ください。"), Some(Intent::NotNow));
        assert_eq!(
            intent("Wir haben kein Interesse."),
            Some(Intent::NotInterested)
        );
        assert_eq!(
            intent("Das klingt interessant, rufen Sie mich gerne an."),
            Some(Intent::Interested)
        );
        assert_eq!(
            intent("Bitte tragen Sie mich aus Ihrem Verteiler aus."),
            Some(Intent::Unsubscribe)
        );
    }
}
