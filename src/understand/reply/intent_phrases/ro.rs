//! Romanian. "nu" stands before what it negates; refusals are written
//! whole. Both comma-below (ș, ț) and cedilla (ş, ţ) spellings occur in
//! mail, so those letters are written as classes.

use super::Lang;

pub static RO: Lang = Lang {
    code: "ro",
    spaced: true,
    // Not bare "nu": Dutch writes it for "now" ("nu niet geïnteresseerd"),
    // so Romanian refusals are written whole.
    negators: &["nici"],
    negators_after: &[],
    skip_before_negator_after: &[],
    // "dar" (but) is Portuguese "to give": the comma before it breaks the clause.
    contrast: &["însă", "totuși", "totuşi"],
    clause_breaks: &["deoarece", "pentru că"],
    self_objects: &["mie"],
    self_addresses: &[r"(?:adresa|e-?mailul) (?:mea|meu) (?:personal[ăa]?|privat[ăa]?|nou[ăa]?)"],
    idioms_interested: &[
        r"nu (?:mă|ne) (?:scoate[țţ]i|[șş]terge[țţ]i|dezabona[țţ]i)",
        r"de ce nu",
    ],
    idioms_not_now: &[
        r"(?:deocamdată|momentan|acum) nu",
        r"nu (?:acum|încă|deocamdată|momentan)",
    ],
    unsubscribe: &[
        r"(?:mă|ne) (?:scoate[țţ]i|[șş]terge[țţ]i|elimina[țţ]i|dezabona[țţ]i)",
        r"dezabona\w*",
        r"(?:de pe|din) lista (?:de )?(?:e-?mail\w*|distribu[țţ]ie|coresponden[țţ]ă|abona[țţ]i)",
        r"nu (?:mai )?(?:îmi|ne) (?:trimite[țţ]i|scrie[țţ]i)",
    ],
    address_links: &["la", "pe"],
    referral: &[
        r"(?:colegul|colega|[șş]eful|[șş]efa|managerul|directorul) (?:meu|mea|nostru|noastră)",
        r"se ocupă de",
        r"responsabil\w* (?:de|cu|pentru)",
        r"persoana potrivită",
    ],
    referral_verbs: &["contacta[țţ]i", "lua[țţ]i legătura cu", "scrie[țţ]i-i"],
    question: &[
        r"cât (?:ar )?cost[ăa]",
        r"care (?:este|e) pre[țţ]ul",
        r"este posibil",
    ],
    not_now: &[
        r"(?:anul|luna|trimestrul) (?:viitor|viitoare|următor|următoare)",
        r"peste (?:\d+|o|un|două|doi|trei|patru|[șş]ase|câteva|câ[țţ]iva) (?:săptămân\w+|lun\w+|an\w*)",
        r"după (?:vară|vacan[țţ]ă|sărbători|anul nou)",
        r"mai târziu",
        r"reveni[țţ]i (?:peste|după|mai târziu|în)",
    ],
    temporal: &["momentan", "deocamdată", "acum", "în acest moment"],
    not_interested: &[
        r"nu (?:suntem|sunt) interesa\w*",
        r"nu (?:ne|mă) interesează",
        r"nu avem nevoie",
        r"avem deja",
        r"nu,? mul[țţ]umesc",
        r"rămânem (?:cu|la) (?:furnizorul|actualul) \w+",
    ],
    interested_strong: &[
        r"(?:să )?(?:stabilim|programăm) (?:o |un )?(?:întâlnire|discu[țţ]ie|vizită|apel)",
        r"(?:dorim|vrem) să (?:comandăm|începem|semnăm)",
    ],
    interested: &[
        r"(?:suntem|sunt) interesa\w*",
        r"(?:ne|mă) interesează",
        r"suna[țţ]i-(?:mă|ne)",
        r"trimite[țţ]i-(?:ne|mi) (?:o )?ofert\w*",
        r"sună bine",
    ],
    interested_soft: &["interesant"],
    question_marks: &[],
    requests: &[
        r"trimite[țţ]i(?:-(?:ne|mi))?",
        r"(?:pute[țţ]i|a[țţ]i putea) (?:să )?(?:ne |îmi )?trimite\w*",
    ],
    plans: &[],
    negator_words: &[],
};
