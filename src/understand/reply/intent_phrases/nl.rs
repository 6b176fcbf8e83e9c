//! Dutch.

use super::Lang;

pub static NL: Lang = Lang {
    code: "nl",
    spaced: true,
    negators: &["niet", "geen", "nooit", "zonder", "noch"],
    negators_after: &["niet"],
    skip_before_negator_after: &["ons", "mij", "me", "het", "dat", "momenteel", "echt"],
    contrast: &["maar", "echter", "toch", "wel"],
    clause_breaks: &["omdat", "dus"],
    self_objects: &["mij", "me", "ons"],
    self_addresses: &[
        r"(?:mijn|ons|onze) (?:\w+ ){0,2}(?:adres|e-mailadres|e-mail|mailadres)(?: is)?",
    ],
    idioms_interested: &[
        // "Haal me alstublieft niet van de lijst": a wish to stay.
        r"(?:haal|verwijder|schrijf) (?:me|mij|ons) (?:(?:alstublieft|alsjeblieft|aub|svp) )?niet(?: (?:van|uit) (?:de|uw|jullie|deze) \w*lijst)?",
        r"waarom niet",
        r"niet ongeïnteresseerd",
        r"(?:zou|zouden) (?:er )?geen bezwaar",
        r"geen probleem",
    ],
    idioms_not_now: &[
        r"(?:nu|momenteel|op dit moment|voorlopig|nog)\s+(?:niet|geen)",
        r"niet (?:nu|op dit moment|dit jaar)",
        r"te vroeg",
    ],
    unsubscribe: &[
        r"afmelden",
        r"uitschrijven",
        r"(?:verwijder|haal) (?:mij|me|ons|mijn (?:e-?mail|adres|gegevens))",
        r"van (?:de|uw|jullie) (?:mailing)?lijst",
        r"geen (?:e-?mails|berichten|mails) meer",
        r"niet meer (?:mailen|contacteren|benaderen)",
    ],
    address_links: &["op", "via", "per"],
    referral: &[
        r"(?:neem|neemt) contact op met",
        r"(?:mijn|onze) (?:collega|manager|baas|directeur|leidinggevende)",
        r"(?:is|zou) de (?:juiste|aangewezen) persoon",
        r"gaat (?:hier|daar)over",
        r"verantwoordelijk voor",
        r"beslist",
    ],
    referral_verbs: &[
        "neem contact op met",
        "mail",
        "bel",
        "schrijf naar",
        "benader",
    ],
    question: &[
        r"wat kost",
        r"hoeveel",
        r"wat (?:is|zijn) de (?:prijs|prijzen|kosten)",
        r"(?:is|zijn) (?:het|dat) mogelijk",
        r"bieden jullie",
        r"kunt u (?:uitleggen|vertellen)",
    ],
    not_now: &[
        r"in (?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)",
        r"(?:weer|opnieuw) contact (?:op|opnemen)",
        r"volgend(?:e)? (?:jaar|kwartaal|maand|voorjaar|najaar)",
        r"(?:over|na) (?:\d+|een paar|enkele|twee|drie|zes) (?:weken|maanden|jaar)",
        r"later (?:dit jaar|terug|opnieuw)",
        r"na de (?:zomer|vakantie|feestdagen)",
        r"(?:in het|in de) (?:voorjaar|najaar|zomer)",
        r"neem (?:later|dan) (?:nog eens |opnieuw )?contact op",
    ],
    // Not bare "nu": Romanian writes it for "not" ("nu suntem interesați").
    temporal: &[
        "momenteel",
        "op dit moment",
        "voorlopig",
        "nu niet",
        "nu even niet",
        "nu geen",
    ],
    not_interested: &[
        r"geen (?:interesse|behoefte)",
        r"nee,? bedankt",
        r"hebben (?:al|reeds) (?:een|de)",
        r"niet (?:nodig|geïnteresseerd)",
        r"ongeïnteresseerd",
        r"niet (?:voor ons|aan de orde|van toepassing)",
        // "interesseert ons niet": the trailing "niet" flips nothing here,
        // the phrase carries it.
        r"interesseert (?:ons|mij|me) (?:helaas )?niet",
    ],
    interested_strong: &[
        r"(?:afspraak|gesprek|demo|belafspraak) (?:inplannen|maken|plannen)",
        r"(?:stuur|stuurt) (?:ons|mij|me) (?:de|een) (?:offerte|overeenkomst|contract)",
        r"(?:we|wij|ik) (?:willen|wil) (?:graag )?(?:doorgaan|bestellen|starten|beginnen)",
        r"akkoord",
    ],
    interested: &[
        // Asking for a quote is interest, as a question or not.
        r"(?:offerte|prijsopgave|voorstel) (?:sturen|toesturen|opsturen|maken|ontvangen)",
        r"(?:stuur|stuurt) (?:mij |ons )?(?:maar )?(?:een |de )?(?:offerte|prijsopgave)",
        r"geïnteresseerd",
        r"interesse",
        r"graag",
        r"klinkt (?:goed|prima)",
        r"(?:stuur|stuurt) (?:ons|mij|me) (?:meer )?(?:informatie|info|details)",
        r"bel (?:me|mij|ons)",
    ],
    interested_soft: &["interessant", "klinkt interessant"],
    question_marks: &[],
    requests: &[
        r"(?:kunt|kan|zou|zouden|kunnen|kun) (?:u|je|jij|jullie) .*?(?:sturen|toesturen|opsturen|mailen|opstellen|bezorgen|doorsturen|maken)",
        r"(?:graag|gelieve) (?:een |de |uw )?(?:offerte|prijzen|prijsopgave|prijslijst)",
    ],
    plans: &[],
    negator_words: &[],
};
