//! Hungarian. "nem" and "ne" stand before what they negate; refusals
//! ("nem érdekel") are written whole, and "ne töröljenek" (don't remove
//! us) is an idiom so it never reads as an unsubscribe.

use super::Lang;

pub static HU: Lang = Lang {
    code: "hu",
    spaced: true,
    // Not "ne" (French "ne … pas" would count twice) nor "sem" (Portuguese
    // "without"): the imperative "ne küldjenek" is written whole instead.
    negators: &["nem"],
    negators_after: &[],
    skip_before_negator_after: &[],
    // "de" (but) is Spanish and Portuguese "of": the comma before it breaks the clause.
    contrast: &["azonban", "viszont"],
    clause_breaks: &["mert", "mivel"],
    self_objects: &["nekem", "nekünk"],
    self_addresses: &[r"(?:másik|privát|saját|személyes) (?:e-?mail ?)?címem(?:re)?"],
    idioms_interested: &[
        r"ne (?:töröljenek|töröljön|vegyenek le|vegyen le)",
        r"miért ne",
    ],
    idioms_not_now: &[
        r"(?:jelenleg|most|egyelőre|pillanatnyilag) nem (?:aktuális|időszerű|tudunk|tervezünk)",
        r"még (?:nem|korai)",
        r"egyelőre nem",
    ],
    unsubscribe: &[
        r"töröljenek",
        r"töröljön",
        r"leiratkoz\w*",
        r"levelezőlistá\w*",
        r"ne (?:küldjenek|küldjön|írjanak|írjon) (?:több|további|többet|még)",
    ],
    address_links: &[],
    referral: &[
        r"kollégám\w*",
        r"kolléganőm\w*",
        r"felettesem\w*",
        r"illetékes\w*",
        r"(?:ő|ők) (?:dönt|döntenek)",
    ],
    referral_verbs: &["keressék", "forduljanak"],
    question: &[
        r"mennyibe kerül\w*",
        r"mennyi az ára",
        r"mi az ára",
        r"lehetséges-e",
    ],
    not_now: &[
        r"jövőre",
        r"jövő (?:évben|hónapban|negyedévben|héten)",
        r"(?:\d+|egy|két|kettő|három|négy|hat|pár|néhány) (?:hét|hónap|év) múlva",
        r"(?:nyár|ünnepek|szabadság|újév)(?:ok)? után",
        r"később",
        r"keressenek (?:később|újra|ismét)",
    ],
    temporal: &["jelenleg", "egyelőre", "pillanatnyilag", "most"],
    not_interested: &[
        r"nem érdekel\w*",
        r"nem vagyunk érdekelt\w*",
        r"nincs (?:rá )?szükségünk",
        r"köszönjük,? nem",
        r"már van (?:egy )?(?:szolgáltatónk|beszállítónk|partnerünk|rendszerünk)",
        r"maradunk a (?:jelenlegi|mostani) \w+",
    ],
    interested_strong: &[
        r"(?:egyeztessünk|beszéljünk meg|egyeztetnénk) (?:egy )?(?:időpontot|találkozót|hívást|bemutatót)",
        r"szeretnénk (?:megrendelni|elkezdeni|továbblépni)",
    ],
    interested: &[
        r"érdekel\w*",
        r"érdekelne",
        r"hívjanak",
        r"hívjon",
        r"küldjenek (?:egy )?(?:árajánlatot|ajánlatot)",
        r"jól hangzik",
    ],
    interested_soft: &["érdekes"],
    question_marks: &[],
    requests: &[
        r"(?:kérem,? )?küldj(?:enek|ön)",
        r"(?:tudnának|tudna|kérnénk|kérnék) (?:\w+ )?(?:küldeni|árajánlatot|ajánlatot)",
    ],
    plans: &[],
    negator_words: &[],
};
