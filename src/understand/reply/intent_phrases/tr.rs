//! Turkish. Negation is a verb suffix ("ilgilen-mi-yoruz"), so refusals
//! are written whole; the dotted capital İ is folded to i before matching.

use super::Lang;

pub static TR: Lang = Lang {
    code: "tr",
    spaced: true,
    negators: &[],
    negators_after: &["değil", "değiliz", "değilim"],
    skip_before_negator_after: &[],
    contrast: &["fakat", "ancak"],
    clause_breaks: &["çünkü"],
    self_objects: &["bana", "bize"],
    self_addresses: &[r"(?:benim|bizim) (?:\w+ ){0,2}(?:adresim|adresimiz|e-postam)"],
    idioms_interested: &[
        // "Don't take me off the list": the negative imperative.
        r"(?:beni |bizi )?(?:listeden |listenizden )?(?:çıkarmayın|çıkarmayınız|silmeyin|silmeyiniz)",
        r"neden olmasın",
    ],
    idioms_not_now: &[
        r"şu an(?:da|lık)? (?:değil|uygun değil)",
        r"henüz (?:değil|erken)",
        r"şimdilik (?:değil|hayır)",
    ],
    unsubscribe: &[
        r"listeden (?:çıkar\w*|sil\w*)",
        // "listenizden çıkarın", "adresimi listenizden siliniz"
        r"liste(?:niz|mizden|sinden)\w* (?:\w+ )?(?:çıkar\w*|sil\w*)",
        r"abonelikten çık\w*",
        r"(?:e-?posta|mail|ileti) (?:göndermeyin|atmayın)",
        r"beni (?:çıkarın|silin)",
    ],
    address_links: &[],
    referral: &[
        r"(?:meslektaşım|müdürümüz|yöneticimiz)",
        r"ile (?:iletişime geçin|görüşün)",
        r"sorumlu\w*",
        r"doğru kişi",
    ],
    referral_verbs: &["iletişime geçin"],
    question: &[r"fiyat\w* (?:nedir|ne kadar)", r"ne kadar", r"mümkün mü"],
    not_now: &[
        r"(?:önümüzdeki|gelecek) (?:yıl|ay|çeyrek|sene)\w*",
        r"seneye",
        r"(?:\d+|birkaç|iki|üç|altı) (?:hafta|ay|yıl) sonra",
        r"yazdan sonra",
        r"daha sonra (?:tekrar )?(?:yazın|arayın|iletişime geçin)",
    ],
    temporal: &["şu an", "şu anda", "şimdilik"],
    not_interested: &[
        r"ilgilen(?:mi|mu)yor\w*",
        r"ihtiyacımız yok",
        r"ilgimizi çekmiyor",
        r"hayır,? teşekkür\w*",
        r"(?:mevcut|şu anki) (?:tedarikçi|firma|sağlayıcı)\w* (?:ile )?devam",
    ],
    interested_strong: &[
        r"(?:sipariş vermek|başlamak|devam etmek) istiyor\w*",
        r"(?:randevu|toplantı) (?:alalım|ayarlayalım)",
    ],
    interested: &[
        r"ilgileniyor\w*",
        r"ilgiliyiz",
        r"ilgileniriz",
        r"arayın",
        r"arar mısınız",
        r"teklif (?:gönderin|rica ediyorum|rica ederim|bekliyoruz)",
    ],
    interested_soft: &["ilginç"],
    question_marks: &[],
    requests: &[
        r"(?:gönder|yolla|ilet|hazırla|paylaş)(?:ir|ebilir|abilir)\w*\s*(?:mi|mı|misiniz|mısınız|misin|mısın)",
    ],
    plans: &[],
    negator_words: &[],
};
