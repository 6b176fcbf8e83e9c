//! Danish and Norwegian (Bokmål): close enough to share one table; where
//! the spelling differs both forms are listed ("interesserede" /
//! "interessert", "venligst" / "vennligst").

use super::Lang;

pub static DA: Lang = Lang {
    code: "da",
    spaced: true,
    negators: &["ikke", "aldrig", "aldri", "ingen", "uden", "uten"],
    negators_after: &["ikke"],
    skip_before_negator_after: &["os", "oss", "mig", "meg", "det", "desværre", "dessverre"],
    contrast: &["imidlertid"],
    clause_breaks: &["fordi", "siden"],
    self_objects: &["mig", "meg", "os", "oss"],
    self_addresses: &[r"(?:min|vores|vår) (?:\w+ ){0,2}(?:adresse|e-mail|e-post|mail)(?: er)?"],
    idioms_interested: &[
        r"hvorfor ikke",
        // "Don't remove me": a wish to stay.
        r"(?:fjern|slet) (?:mig|meg) ikke",
        r"ikke (?:fjern|slet) (?:mig|meg)",
    ],
    idioms_not_now: &[
        r"ikke (?:lige|akkurat|helt) nu",
        r"ikke (?:lige )?nå",
        r"ikke (?:i år|endnu|enda|ennå)",
        r"for tidligt",
        r"for tidlig",
    ],
    unsubscribe: &[
        r"afmeld\w*",
        r"avmeld\w*",
        r"(?:fjern|slet) (?:mig|meg|os|oss|min (?:e-mail|e-post|adresse))",
        r"(?:stop|stopp|hold op med|slutt) (?:at |å )?(?:sende|maile|skrive)",
        r"ikke (?:flere|mere|mer) (?:mails|e-mails|e-poster|henvendelser)",
        r"(?:fra|av) (?:jeres|deres|listen|mailinglisten|maillisten)",
    ],
    address_links: &["på", "via"],
    referral: &[
        r"(?:min|vores|vår) (?:kollega|kollege|chef|sjef|indkøbschef|innkjøpssjef|indkøber|innkjøper)",
        r"ansvarlig for",
        r"(?:rette|riktige) person",
        r"(?:bestemmer|beslutter)",
    ],
    referral_verbs: &["kontakt", "kontakte", "skriv til", "send til"],
    question: &[
        r"hvad (?:koster|kostar)",
        r"hva koster",
        r"hvor meget koster",
        r"hvor mye koster",
        r"hvad er prisen",
        r"hva er prisen",
        r"er det muligt",
        r"er det mulig",
    ],
    not_now: &[
        r"i (?:januar|februar|marts|mars|april|maj|mai|juni|juli|august|september|oktober|november|december|desember)",
        r"(?:næste|neste) (?:år|kvartal|måned|forår|vår|efterår|høst)",
        r"om (?:\d+|nogle|noen|et par|to|tre|seks) (?:uger|uker|måneder|år)",
        r"efter (?:sommerferien|sommeren|ferien|jul|nytår)",
        r"etter (?:sommerferien|sommeren|ferien|jul|nyttår)",
        r"(?:kontakt|skriv til) (?:os|oss|mig|meg) (?:igen |igjen )?(?:senere|efter|etter|til|næste|neste|om|i)",
        r"(?:ta|tag) (?:kontakt )?(?:igen|igjen)",
        r"senere på året",
        r"til (?:foråret|efteråret|våren|høsten)",
    ],
    temporal: &[
        "lige nu",
        "akkurat nå",
        "for tiden",
        "i øjeblikket",
        "for øyeblikket",
    ],
    not_interested: &[
        r"ikke interesse(?:ret|rede|rt)",
        r"ingen interesse",
        r"har allerede (?:en|et) (?:leverandør|aftale|avtale|system|løsning)",
        r"nej tak",
        r"nei takk",
        r"ikke relevant",
    ],
    interested_strong: &[
        r"(?:vi|jeg) vil (?:gerne|gjerne) (?:bestille|gå videre|starte|i gang)",
        r"(?:book|aftal|avtal) (?:et )?(?:møde|opkald|demo)",
        r"send (?:os |oss |mig |meg )?(?:aftalen|avtalen|kontrakten)",
    ],
    interested: &[
        r"interesse(?:ret|rede|rt)",
        r"ring (?:til )?(?:mig|meg|os|oss)",
        r"send (?:gerne |gjerne )?(?:et |en )?(?:tilbud|pristilbud)",
        r"lyder godt",
        r"høres bra ut",
    ],
    interested_soft: &["spændende", "spennende", "interessant"],
    question_marks: &[],
    requests: &[
        r"(?:kan|kunne|vil) (?:i|du|dere|de) .*?(?:sende|maile|give|gi|lave|lage)",
        r"(?:send|send os|send oss) (?:venligst|vennligst|gerne|gjerne)",
    ],
    plans: &[],
    negator_words: &[],
};
