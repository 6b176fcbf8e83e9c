//! Swedish.

use super::Lang;

pub static SV: Lang = Lang {
    code: "sv",
    spaced: true,
    negators: &["inte", "ej", "aldrig", "utan"],
    negators_after: &["inte"],
    skip_before_negator_after: &["oss", "mig", "det", "tyvärr"],
    contrast: &["dock"],
    clause_breaks: &["eftersom"],
    self_objects: &["mig", "oss"],
    self_addresses: &[r"(?:min|vår) (?:\w+ ){0,2}(?:adress|e-post|mejladress)(?: är)?"],
    idioms_interested: &[r"varför inte"],
    idioms_not_now: &[r"inte (?:just )?nu", r"inte (?:i år|ännu)", r"för tidigt"],
    unsubscribe: &[
        r"avregistrera",
        r"avsluta (?:min )?prenumeration\w*",
        r"ta bort (?:mig|oss|min (?:e-post|adress))",
        r"sluta (?:skicka|maila|mejla)",
        r"inga fler (?:mejl|mail|utskick)",
    ],
    address_links: &["på", "via"],
    referral: &[
        r"(?:min|vår) (?:kollega|chef|inköpschef)",
        r"ansvarig för",
        r"rätt person",
        r"bestämmer",
    ],
    referral_verbs: &["kontakta", "mejla", "skriv till"],
    question: &[
        r"vad kostar",
        r"hur mycket kostar",
        r"vad är priset",
        r"är det möjligt",
    ],
    not_now: &[
        r"i (?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)",
        r"nästa (?:år|kvartal|månad|vår|höst)",
        r"om (?:\d+|några|ett par|två|tre|sex) (?:veckor|månader|år)",
        r"efter (?:sommaren|semestern|jul|nyår)",
        r"(?:återkom|hör) (?:av er )?(?:igen )?(?:senare|längre fram)",
        r"till (?:hösten|våren)",
    ],
    temporal: &["just nu", "för närvarande"],
    not_interested: &[
        r"inte intresserad\w*",
        r"inget intresse",
        r"har redan (?:en|ett) (?:leverantör|avtal|system)",
        r"nej tack",
    ],
    interested_strong: &[
        r"(?:vi|jag) vill (?:gärna )?(?:beställa|gå vidare|börja)",
        r"boka (?:ett )?(?:möte|samtal|demo)",
        r"skicka (?:avtalet|kontraktet)",
    ],
    interested: &[
        r"intresserad\w*",
        r"ring (?:mig|oss)",
        r"skicka (?:gärna )?(?:en )?offert",
        r"låter bra",
    ],
    interested_soft: &["intressant"],
    question_marks: &[],
    requests: &[
        r"(?:kan|kunde|skulle) (?:ni|du) .*?(?:skicka|maila|mejla|ta fram|lämna)",
        r"skicka gärna",
    ],
    plans: &[],
    negator_words: &[],
};
