//! Spanish labels and words.

use super::{Header, Language, Stage};

pub const TABLE: Language = Language {
    code: "es",
    labels: &[
        (
            Stage::Meta,
            &["=fecha", "tratamiento", "departamento", "sitio web"],
        ),
        (
            Stage::Headline,
            &["=nuevo contacto", "=nueva consulta", "=nueva solicitud"],
        ),
        (Stage::Person, &["=cliente", "=interesado"]),
        (Stage::Email, &["~correo"]),
        (Stage::Sender, &["=de", "=remitente"]),
        (Stage::Subject, &["asunto"]),
        (
            Stage::Company,
            &["empresa", "compañía", "compania", "organización"],
        ),
        (
            Stage::FullName,
            &["nombre y apellidos", "nombre y apellido", "nombre completo"],
        ),
        (Stage::LastName, &["apellido", "apellidos"]),
        (Stage::GivenOrFullName, &["nombre"]),
        (
            Stage::Phone,
            &["teléfono", "telefono", "móvil", "movil", "celular"],
        ),
        (Stage::Title, &["cargo", "puesto"]),
        (Stage::Postcode, &["código postal", "codigo postal", "cp"]),
        (Stage::Country, &["país", "pais"]),
        (
            Stage::Timeline,
            &[
                "plazo",
                "cuándo",
                "cuando",
                "fecha prevista",
                "fecha de inicio",
            ],
        ),
        (
            Stage::Property,
            &["inmueble", "propiedad", "tipo de inmueble", "anuncio"],
        ),
        (
            Stage::Interest,
            &["producto", "servicio", "interés", "interes"],
        ),
        (
            Stage::Message,
            &["mensaje", "comentarios", "comentario", "consulta"],
        ),
        (Stage::Address, &["dirección", "ciudad", "provincia"]),
    ],
    noise: &["(obligatorio)"],
    empty_values: &["ninguno", "ninguna"],
    forward_markers: &["mensaje reenviado", "mensaje original"],
    forward_headers: &[
        (Header::From, &["de"]),
        (Header::Date, &["enviado", "fecha"]),
        (Header::Subject, &["asunto"]),
        (Header::To, &["para", "cc"]),
        (Header::ReplyTo, &["responder a"]),
    ],
    lead_signals: &[
        "solicitud",
        "formulario",
        "nuevo contacto",
        "nueva consulta",
        "presupuesto",
    ],
    listing_words: &["inmobiliaria", "apartamentos", "residencial", "inmuebles"],
    says_words: &[
        "dice",
        "escribe",
        "escribió",
        "pregunta",
        "te ha enviado un mensaje",
        "le ha enviado un mensaje",
        "te envió un mensaje",
    ],
    about_words: &[
        "sobre",
        "interesado en",
        "interesada en",
        "solicita",
        "busca",
    ],
    enquiry_asks: &[
        "presupuesto",
        "cotización",
        "cuánto cuesta",
        "cuanto cuesta",
        "precio de",
        "precio para",
        "interesado en sus",
        "interesada en sus",
    ],
    seller_words: &[
        "gracias por su solicitud",
        "gracias por su consulta",
        "adjunto nuestro presupuesto",
        "ofrecemos",
        "nuestra agencia",
    ],
    phone_events: &[
        "llamada perdida",
        "mensaje de voz",
        "buzón de voz",
        "sms recibido",
        "nuevo sms",
        "sms de",
        "llamada de",
    ],
    self_intros: &["soy", "me llamo", "mi nombre es", "le habla"],
};
