//! Indonesian and Malay. "tidak"/"tak"/"bukan" stand before what they
//! negate; "jangan" (don't) opens an imperative and is written inside the
//! phrases it belongs to, so "jangan hapus saya" never reads as leaving.

use super::Lang;

pub static ID: Lang = Lang {
    code: "id",
    spaced: true,
    // Not "tak": Danish and Norwegian write it for "thanks".
    negators: &["tidak", "bukan", "tiada"],
    negators_after: &[],
    skip_before_negator_after: &[],
    contrast: &["tapi", "tetapi", "namun"],
    clause_breaks: &["karena", "kerana"],
    self_objects: &["saya", "kami"],
    self_addresses: &[r"(?:alamat|email|surel) (?:pribadi|lain|baru) (?:saya|kami)"],
    idioms_interested: &[
        r"jangan (?:hapus|keluarkan) (?:saya|kami)",
        r"kenapa tidak",
        r"mengapa tidak",
    ],
    idioms_not_now: &[
        r"(?:untuk )?(?:saat ini|sekarang|sementara ini) (?:belum|tidak dulu)",
        r"belum (?:sekarang|saatnya|waktunya|perlu|butuh)",
        r"nanti saja",
    ],
    unsubscribe: &[
        r"hapus (?:saya|kami|email saya|alamat (?:email )?saya|nama saya)",
        r"berhenti berlangganan",
        r"(?:dari|keluar dari) (?:milis|mailing list|daftar (?:email|surel|milis|pelanggan))",
        r"jangan (?:kirim|mengirim|kirimi)(?:kan)? (?:saya |kami )?(?:email|e-mail|surel|pesan)",
        r"(?:stop|berhenti) (?:mengirim|kirim)",
    ],
    address_links: &["di", "ke"],
    referral: &[
        r"rekan (?:kerja )?saya",
        r"atasan saya",
        r"yang bertanggung jawab",
        r"orang yang tepat",
        r"(?:dia|beliau) yang (?:memutuskan|menangani)",
    ],
    referral_verbs: &["silakan hubungi", "hubungi"],
    question: &[
        r"berapa (?:biaya|harga)\w*",
        r"berapa",
        r"apakah (?:mungkin|bisa)",
    ],
    not_now: &[
        r"(?:tahun|bulan|minggu|kuartal) depan",
        r"(?:\d+|satu|dua|tiga|empat|enam|beberapa) (?:minggu|bulan|tahun) (?:lagi|ke depan|mendatang)",
        r"(?:dalam|setelah) (?:\d+|satu|dua|tiga|empat|enam|beberapa) (?:minggu|bulan|tahun)",
        r"(?:setelah|sesudah) (?:liburan|lebaran|tahun baru|musim)",
        r"lain kali",
        r"hubungi (?:kami|saya) (?:lagi|kembali) (?:nanti|tahun|bulan|setelah)",
    ],
    temporal: &["saat ini", "sekarang", "untuk sementara"],
    not_interested: &[
        r"(?:tidak|tak|kurang) (?:tertarik|berminat)",
        r"tidak (?:butuh|perlu|membutuhkan|memerlukan)",
        r"sudah (?:punya|memiliki|menggunakan|bekerja sama dengan)",
        r"tidak,? terima kasih",
        r"tetap (?:dengan|menggunakan|memakai) (?:pemasok|vendor|penyedia|supplier)",
    ],
    interested_strong: &[
        r"(?:mari|ayo) (?:kita )?(?:jadwalkan|atur|lanjutkan)",
        r"(?:ingin|mau) (?:memesan|order|melanjutkan|mulai|menjadwalkan)",
    ],
    interested: &[
        r"tertarik",
        r"berminat",
        r"(?:mohon|tolong|silakan) (?:hubungi|telepon) (?:saya|kami)",
        r"kirim(?:kan)? (?:penawaran|proposal|brosur)",
        r"kedengarannya (?:bagus|menarik)",
    ],
    interested_soft: &["menarik"],
    question_marks: &[],
    requests: &[
        r"(?:mohon|tolong|bisakah|bisa|dapatkah|boleh) (?:anda |bapak |ibu )?(?:dikirim|kirim)\w*",
        r"kirimkan",
    ],
    plans: &[],
    negator_words: &[],
};
