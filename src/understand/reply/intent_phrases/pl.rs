//! Polish.

use super::Lang;

pub static PL: Lang = Lang {
    code: "pl",
    spaced: true,
    negators: &["nie", "nigdy", "bez"],
    negators_after: &[],
    skip_before_negator_after: &[],
    contrast: &["ale", "jednak"],
    clause_breaks: &["ponieważ", "więc"],
    self_objects: &["mnie", "nas"],
    self_addresses: &[r"(?:mój|nasz) (?:\w+ ){0,2}(?:adres|e-mail)(?: to)?"],
    idioms_interested: &[r"czemu nie", r"dlaczego nie"],
    idioms_not_now: &[
        r"(?:jeszcze )?nie (?:teraz|w tej chwili|w tym momencie|w tym roku)",
        r"na razie nie",
        r"za wcześnie",
    ],
    unsubscribe: &[
        // A fragment ending in a non-ASCII letter gets no word boundary, so
        // the accented and the plain spelling are separate entries.
        r"wypisać",
        r"wypisac",
        r"wypiszcie",
        r"usu[ńn](?:cie)? (?:mnie|nas|mój adres)",
        r"nie (?:wysyłajcie|przysyłajcie|piszcie) (?:mi |nam )?(?:więcej|już)",
    ],
    address_links: &["na", "pod"],
    referral: &[
        r"(?:mój|moja|nasz|nasza) (?:kolega|koleżanka|kierownik|szef|szefowa|dyrektor)",
        r"proszę (?:się )?(?:skontaktować|kontaktować) z",
        r"odpowiada za",
        r"decyduje",
        r"właściw[aą] osob[aą] (?:jest|to)",
    ],
    referral_verbs: &["skontaktuj się z", "proszę pisać do", "proszę napisać do"],
    question: &[
        r"ile (?:to )?kosztuj\w*",
        r"jaka (?:jest )?cena",
        r"czy (?:to )?(?:jest )?możliwe",
        r"czy oferujecie",
    ],
    not_now: &[
        r"w (?:styczniu|lutym|marcu|kwietniu|maju|czerwcu|lipcu|sierpniu|wrześniu|październiku|listopadzie|grudniu)",
        r"(?:w )?przyszłym (?:roku|kwartale|miesiącu)",
        r"za (?:\d+|kilka|parę|dwa|trzy|sześć) (?:tygodni|miesięcy|miesiące|lat)",
        r"po (?:wakacjach|lecie|świętach)",
        r"(?:jesienią|wiosną|latem)",
        r"(?:odezwijcie się|proszę się odezwać) (?:później|ponownie)",
    ],
    temporal: &["teraz", "obecnie", "na razie", "w tej chwili"],
    not_interested: &[
        r"nie (?:jesteśmy|jestem) zainteresowan\w*",
        r"nie interesuje (?:nas|mnie)",
        r"(?:mamy|mam) już (?:dostawcę|firmę|instalację)",
        r"nie potrzebujemy",
        r"nie,? dziękuję",
    ],
    interested_strong: &[
        r"(?:chcemy|chciałbym|chciałabym|chcielibyśmy) (?:zamówić|rozpocząć|zacząć|kontynuować)",
        r"umówmy (?:się|spotkanie)",
        r"prześlijcie (?:umowę|ofertę)",
    ],
    interested: &[
        r"zainteresowan\w*",
        r"proszę o (?:kontakt|ofertę|telefon|wycenę|więcej informacji)",
        r"proszę zadzwonić",
        r"(?:brzmi|wygląda) dobrze",
        r"chętnie",
    ],
    interested_soft: &["ciekawe", "interesujące"],
    question_marks: &[],
    requests: &[
        r"(?:czy )?(?:mogą|może|mógłby|mogłaby|mogliby|możecie|możesz|moglibyście|mógłbyś) .*?(?:przesłać|wysłać|przygotować|podesłać|przedstawić)",
        r"(?:proszę|prosimy) o (?:przesłanie|wysłanie|przygotowanie|ofertę|wycenę|cennik)",
    ],
    plans: &[],
    negator_words: &[],
};
