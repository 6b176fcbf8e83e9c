//! Portuguese labels and words (Brazil and Portugal).

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "pt",
    labels: &[
        (
            Stage::Meta,
            &[
                "=data",
                "=hora",
                "privacidade",
                "consentimento",
                "termos",
                "como nos conheceu",
                "site",
            ],
        ),
        (
            Stage::Headline,
            &["=novo contato", "=novo contacto", "=novo lead"],
        ),
        (Stage::Sender, &["=remetente"]),
        (Stage::Subject, &["assunto"]),
        (
            Stage::Company,
            &["empresa", "nome da empresa", "companhia", "organização"],
        ),
        (Stage::FullName, &["nome completo"]),
        (Stage::FirstName, &["primeiro nome"]),
        (Stage::LastName, &["sobrenome", "apelido", "último nome"]),
        (Stage::GivenOrFullName, &["nome", "seu nome"]),
        (
            Stage::Phone,
            &[
                "telefone",
                "celular",
                "telemóvel",
                "telemovel",
                "número de telefone",
            ],
        ),
        (Stage::Title, &["cargo", "função"]),
        (Stage::Postcode, &["cep", "código postal"]),
        (Stage::Country, &["país"]),
        (
            Stage::Timeline,
            &["prazo", "quando", "previsão", "data prevista"],
        ),
        (Stage::Property, &["imóvel", "tipo de imóvel", "anúncio"]),
        (
            Stage::Interest,
            &["serviço", "produto", "interesse", "tipo de serviço"],
        ),
        (
            Stage::Message,
            &[
                "mensagem",
                "sua mensagem",
                "comentários",
                "comentário",
                "observações",
                "dúvida",
                "descrição",
                "pedido",
            ],
        ),
        (
            Stage::Address,
            &["endereço", "morada", "cidade", "estado", "bairro", "rua"],
        ),
    ],
    noise: &["(obrigatório)", "(opcional)"],
    empty_values: &["nenhum", "nenhuma"],
    forward_markers: &[
        "mensagem encaminhada",
        "mensagem original",
        "início da mensagem encaminhada",
    ],
    forward_headers: &[
        (Header::From, &["de"]),
        (
            Header::Date,
            &["data", "enviada em", "enviado em", "enviado"],
        ),
        (Header::Subject, &["assunto"]),
        (Header::To, &["para", "cc"]),
        (Header::ReplyTo, &["responder para"]),
    ],
    lead_signals: &[
        "pedido de orçamento",
        "orçamento",
        "novo contato",
        "novo contacto",
        "formulário",
        "solicitação",
    ],
    listing_words: &["imobiliária", "imobiliaria", "apartamentos", "residencial"],
    says_words: &[
        "diz",
        "escreveu",
        "escreve",
        "pergunta",
        "enviou-lhe uma mensagem",
        "enviou uma mensagem",
        "te enviou uma mensagem",
    ],
    about_words: &[
        "sobre",
        "interessado em",
        "interessada em",
        "solicitou",
        "procura",
    ],
    enquiry_asks: &[
        "orçamento",
        "orcamento",
        "quanto custa",
        "preço para",
        "preço de",
    ],
    seller_words: &[
        "obrigado pelo seu pedido",
        "obrigado pelo contacto",
        "em anexo o nosso orçamento",
        "oferecemos",
        "a nossa agência",
    ],
    phone_events: &[
        "chamada perdida",
        "mensagem de voz",
        "correio de voz",
        "novo sms",
        "sms de",
        "chamada de",
    ],
    self_intros: &["sou", "chamo-me", "meu nome é", "o meu nome é", "aqui é"],
};
