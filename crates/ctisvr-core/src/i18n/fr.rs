//! French. Typography kept plain for the narrow panel: a space before `:`
//! and `;`, « » around quoted numbers and names.

use super::{Catalogue, Label};
use crate::agent::AgentStatus;
use crate::calls::{Call, CallAction, CallExtension, CallState, Direction};
use crate::command::Rejected;
use crate::connection::ConnectionStatus;
use crate::crm::{CallType, CrmError, LogSubject};
use crate::crm_fault::CrmFault;
use crate::dial_refusal::DialRefusal;
use crate::dialing::DialError;
use crate::problem::{CrmTask, Problem};
use crate::request_name::RequestName;
use crate::settings::{SettingsError, UriFault};
use crate::time::Millis;
use crate::transport_advice::{Advice, SocketLoss};
use crate::wire::{DecodeError, SkillMode, WorkMode, MAX_FRAME_BYTES};

pub(crate) struct French;

impl Catalogue for French {
    fn problem(&self, problem: &Problem) -> String {
        match problem {
            Problem::NotConfigured(error) => format!("Softphone non configuré : {}.", self.settings_error(error)),
            Problem::BinaryFrame => {
                "CtiSVR a envoyé un message que le softphone ne sait pas lire (une trame binaire, pas du texte JSON)."
                    .to_owned()
            }
            Problem::Unreadable(error) => {
                format!("CtiSVR a envoyé un message que le softphone ne sait pas lire ({}).", self.decode_error(error))
            }
            Problem::FrameTooLarge { size } => format!(
                "CtiSVR a envoyé un message trop gros pour être lu ({size} octets ; au plus {MAX_FRAME_BYTES}). Il a été ignoré."
            ),
            Problem::StrayAnswer { id: Some(id) } => {
                format!("CtiSVR a envoyé une réponse qu'aucune demande n'attend (id {id}) ; elle a été ignorée.")
            }
            Problem::StrayAnswer { id: None } => {
                "CtiSVR a envoyé une réponse sans id de demande ; elle a été ignorée.".to_owned()
            }
            Problem::SocketRefused(advice) => self.advice(advice),
            Problem::Rejected(rejected) => self.rejected(rejected),
            Problem::NoExtension => "CtiSVR n'a pas indiqué le poste de cette station de travail.".to_owned(),
            Problem::RequestFailed { what, reason } if reason.is_empty() => {
                format!("{} : échec ({})", self.request(what), self.crm_fault(&CrmFault::NoReason))
            }
            Problem::RequestFailed { what, reason } => format!("{} : échec ({reason})", self.request(what)),
            Problem::NotConfirmed(requests) => format!(
                "Non confirmé : {}. La connexion à CtiSVR a été perdue ; vérifiez l'état et réessayez.",
                requests.iter().map(|r| self.request(r)).collect::<Vec<_>>().join(", ")
            ),
            Problem::ClickToDial(error) => format!("Échec du clic pour appeler : {}.", self.crm_error(error)),
            Problem::CrmFailed { what, error } => {
                format!("{} : échec ({})", self.crm_task(what), self.crm_fault(error))
            }
            Problem::LogRetry { error, seconds } => format!(
                "Le journal d'appel n'a pas été enregistré ({}) ; nouvel essai dans {seconds} s.",
                self.crm_fault(error)
            ),
            Problem::LogGivenUp { subject, attempts, error } => format!(
                "Le journal d'appel « {subject} » n'a pas pu être enregistré après {attempts} essais ({}). Consignez l'appel à la main.",
                self.crm_fault(error)
            ),
        }
    }

    fn rejected(&self, rejected: &Rejected) -> String {
        let text = match rejected {
            Rejected::NotConnected => "Le softphone n'est pas connecté à CtiSVR.",
            Rejected::NotReady => "Le softphone démarre encore ; réessayez dans un instant.",
            Rejected::Busy => "En attente de la réponse de CtiSVR à la demande précédente.",
            Rejected::NotAllowed(action) => self.not_allowed(*action),
            Rejected::NotWaitingToReconnect => "Le softphone n'attend pas de reconnexion.",
            Rejected::AgentLoggedIn => "Un agent est déjà connecté sur ce poste.",
            Rejected::NoAgent => "Aucun agent n'est connecté sur ce poste.",
            Rejected::NoPartyToDrop => "Il n'y a aucun participant de conférence à retirer.",
            Rejected::BadDtmf => "Le clavier accepte de 1 à 100 touches parmi 0-9, *, # et A-D.",
            Rejected::NoExtensionToSend => "Cet appel n'a pas de poste à envoyer.",
            Rejected::MissingAgentId => "Saisissez votre identifiant d'agent.",
            Rejected::MissingPassword => "Saisissez votre mot de passe.",
            Rejected::Dial(error) => return self.dial_error(error),
            Rejected::Repeated(refusal) => return self.dial_refusal(refusal),
        };
        text.to_owned()
    }

    fn not_allowed(&self, action: CallAction) -> &'static str {
        match action {
            CallAction::Answer => "Aucun appel entrant à prendre.",
            CallAction::Dial => "Terminez les appels en cours avant d'en composer un autre.",
            CallAction::Hold => "Aucun appel en cours à mettre en attente.",
            CallAction::Retrieve => "Aucun appel en attente à reprendre.",
            CallAction::HangUp => "Aucun appel à raccrocher.",
            CallAction::DropParty => "Aucune conférence dont retirer un participant.",
            CallAction::Consult => "La consultation demande un appel en cours.",
            CallAction::Reconnect => "Revenir demande un appel en attente et une consultation.",
            CallAction::Transfer => {
                "Le transfert demande un appel en cours, ou un appel en attente et une consultation."
            }
            CallAction::Conference => "La conférence demande un appel en attente et une consultation répondue.",
            CallAction::SendDtmf => "Le clavier demande un appel en cours.",
            CallAction::SendExtension => "Le poste s'envoie pendant un appel en cours.",
        }
    }

    fn settings_error(&self, error: &SettingsError) -> String {
        match error {
            SettingsError::MissingPrimary(key) => {
                let kind = if key.starts_with('/') { "élément du centre d'appels" } else { "attribut" };
                format!("aucune adresse CtiSVR n'est configurée ({kind} {key})")
            }
            SettingsError::InvalidUri { key, value, reason } => {
                format!("{key} n'est pas une adresse WebSocket : « {value} » ({})", self.uri_fault(*reason))
            }
            SettingsError::NotJson(reason) => {
                format!("les paramètres du centre d'appels ne sont pas du JSON valide : {reason}")
            }
            SettingsError::NotAnObject => "les paramètres du centre d'appels ne sont pas un objet JSON".to_owned(),
            SettingsError::Crm(fault) => {
                format!("le CRM n'a pas donné les paramètres du centre d'appels ({})", self.crm_fault(fault))
            }
        }
    }

    fn uri_fault(&self, fault: UriFault) -> &'static str {
        match fault {
            UriFault::Scheme => "elle doit commencer par ws:// ou wss://",
            UriFault::WhiteSpace => "elle contient des espaces",
            UriFault::NoHost => "elle n'a pas d'hôte",
        }
    }

    fn dial_error(&self, error: &DialError) -> String {
        match error {
            DialError::Empty => "Saisissez un numéro à composer.".to_owned(),
            DialError::Junk { number, character } => format!(
                "« {number} » ne peut pas être composé : « {character} » n'est pas autorisé (chiffres, espaces, + ( ) - . /, * et # ; des lettres seulement après des chiffres, comme 1-800-FLOWERS ; un poste sous la forme x123)."
            ),
            DialError::NoDigits(number) => format!("« {number} » ne contient aucun chiffre à composer."),
        }
    }

    fn dial_refusal(&self, refusal: &DialRefusal) -> String {
        match refusal {
            DialRefusal::AlreadyDialling(number) => format!("Appel déjà en cours vers {number}"),
            DialRefusal::AlreadyOnCall(number) => format!("Déjà en ligne avec {number}"),
        }
    }

    fn decode_error(&self, error: &DecodeError) -> String {
        match error {
            DecodeError::NotJson(reason) => format!("pas du JSON : {reason}"),
            DecodeError::NotAnObject => "pas un objet JSON".to_owned(),
            DecodeError::MissingId => "pas d'id numérique".to_owned(),
            DecodeError::MissingField(field) => format!("champ `{field}` manquant"),
            DecodeError::BadFields { name, reason } => format!("la requête `{name}` a des champs invalides : {reason}"),
        }
    }

    fn crm_error(&self, error: &CrmError) -> String {
        match error {
            CrmError::NotJson(reason) => {
                format!("les données du clic pour appeler ne sont pas du JSON valide : {reason}")
            }
            CrmError::NoNumber => "les données du clic pour appeler n'ont pas de numéro".to_owned(),
        }
    }

    fn crm_fault(&self, fault: &CrmFault) -> String {
        match fault {
            CrmFault::NotLoaded { library } => format!("{library} n'est pas chargé sur cette page"),
            CrmFault::NoMethod { library, method } => format!("{library}.{method} n'est pas disponible sur cette page"),
            CrmFault::Threw { library, method, message } => format!("{library}.{method} a échoué : {message}"),
            CrmFault::Said(words) => words.clone(),
            CrmFault::NoReason => "aucune raison donnée".to_owned(),
            CrmFault::NoResult => "Salesforce n'a donné aucun résultat".to_owned(),
            CrmFault::AnsweredFalse => "Salesforce a répondu false".to_owned(),
            CrmFault::NoCrm => "il n'y a pas de CRM".to_owned(),
        }
    }

    fn crm_task(&self, task: &CrmTask) -> String {
        match task {
            CrmTask::ListenClickToDial => "Écoute du clic pour appeler".to_owned(),
            CrmTask::ScreenPop(number) => format!("Affichage de la fiche de {number}"),
            CrmTask::ClickToDial { enabled: true } => "Activation du clic pour appeler".to_owned(),
            CrmTask::ClickToDial { enabled: false } => "Désactivation du clic pour appeler".to_owned(),
            CrmTask::ShowPanel => "Affichage du panneau du softphone".to_owned(),
            CrmTask::InitializationComplete => "Signal à Salesforce que le softphone est prêt".to_owned(),
        }
    }

    fn request(&self, request: &RequestName) -> String {
        match request {
            RequestName::FindExtension => "Recherche du poste de cette station".to_owned(),
            RequestName::Monitor => "Surveillance du poste".to_owned(),
            RequestName::ReadAgent => "Lecture de l'agent du poste".to_owned(),
            RequestName::ReadAgentState => "Lecture de l'état de l'agent".to_owned(),
            RequestName::ReadCalls => "Lecture des appels du poste".to_owned(),
            RequestName::ReadNumbers => "Lecture des numéros de l'appel".to_owned(),
            RequestName::Login => "Se connecter".to_owned(),
            RequestName::Logout => "Se déconnecter".to_owned(),
            RequestName::ChangeTo(mode) => format!("Passer en {}", self.work_mode(*mode)),
            RequestName::SendExtension(digits) => format!("Envoyer le poste {digits}"),
            RequestName::Call { action, number: Some(number) } => format!("{} {number}", self.call_action(*action)),
            RequestName::Call { action, number: None } => self.call_action(*action).to_owned(),
        }
    }

    fn advice(&self, advice: &Advice) -> String {
        match advice {
            Advice::UseWss { uri } => format!(
                "Cette page est en https, le navigateur refuse donc {uri} : demandez à votre administrateur une adresse wss:// (TLS devant CtiSVR)."
            ),
            Advice::LocalNetwork { host } => format!(
                "Le navigateur bloque peut-être l'accès à l'adresse du réseau local {host} : autorisez l'accès au réseau local pour ce site (ou vérifiez que CtiSVR y fonctionne)."
            ),
            Advice::MaybeLocalNetwork { host } => format!(
                "Si {host} est sur votre réseau local, le navigateur le bloque peut-être : autorisez l'accès au réseau local pour ce site (ou vérifiez que CtiSVR y fonctionne)."
            ),
        }
    }

    fn connection(&self, status: &ConnectionStatus, ready: bool, now: Millis) -> String {
        match status {
            ConnectionStatus::Unconfigured => "Non configuré".to_owned(),
            ConnectionStatus::Connecting { role, .. } => format!("Connexion à {}…", role.letter()),
            ConnectionStatus::Connected { role, .. } if ready => format!("Connecté à {}", role.letter()),
            ConnectionStatus::Connected { role, .. } => format!("Démarrage sur {}…", role.letter()),
            ConnectionStatus::Waiting { .. } => {
                format!("Reconnexion dans {} s", status.seconds_to_retry(now).unwrap_or_default())
            }
        }
    }

    fn waiting(&self, reason: &SocketLoss, advice: Option<&Advice>, offline: bool) -> String {
        let mut text = self.socket_loss(reason);
        if let Some(advice) = advice {
            text = format!("{text}. {}", self.advice(advice));
        }
        if offline {
            text = format!("Hors ligne : en attente du réseau ; {text}");
        }
        text
    }

    fn socket_loss(&self, loss: &SocketLoss) -> String {
        match loss {
            SocketLoss::Closed { code: 1006, .. } => "la connexion a échoué ou a été coupée (code 1006)".to_owned(),
            SocketLoss::Closed { code, reason, .. } if !reason.is_empty() => {
                format!("fermée par le serveur : {reason} (code {code})")
            }
            SocketLoss::Closed { code, clean: true, .. } => format!("fermée par le serveur (code {code})"),
            SocketLoss::Closed { code, clean: false, .. } => format!("la connexion a été coupée (code {code})"),
            SocketLoss::Failed(words) => words.clone(),
            SocketLoss::NoAnswer { request, seconds } => {
                format!("CtiSVR n'a pas répondu à « {} » en {seconds} s", self.request(request))
            }
            SocketLoss::SettingsChanged => "les paramètres ont changé".to_owned(),
        }
    }

    fn extension(&self, extension: &str) -> String {
        format!("Poste {extension}")
    }

    fn agent(&self, agent: &AgentStatus) -> String {
        match agent {
            AgentStatus::Unknown => "État de l'agent inconnu".to_owned(),
            AgentStatus::LoggedOut => "Déconnecté".to_owned(),
            AgentStatus::LoggedIn { agent_id, mode, reason } => {
                let mode = match mode {
                    None => "état inconnu".to_owned(),
                    Some(SkillMode::Mode(WorkMode::Aux)) => match reason {
                        Some(code) if code.value() > 0 => format!("{} {code}", self.work_mode(WorkMode::Aux)),
                        _ => self.work_mode(WorkMode::Aux).to_owned(),
                    },
                    Some(SkillMode::Mode(mode)) => self.work_mode(*mode).to_owned(),
                    Some(SkillMode::NotLoggedIn) => "non connecté".to_owned(),
                    Some(SkillMode::Unknown(text)) => text.clone(),
                };
                format!("Agent {agent_id} · {mode}")
            }
        }
    }

    fn work_mode(&self, mode: WorkMode) -> &'static str {
        match mode {
            WorkMode::Auto => "Auto",
            WorkMode::Manual => "Manuel",
            WorkMode::Acw => "Post-appel",
            WorkMode::Aux => "Pause",
        }
    }

    fn call_action(&self, action: CallAction) -> &'static str {
        match action {
            CallAction::Answer => "Répondre",
            CallAction::Dial => "Appeler",
            CallAction::Hold => "Attente",
            CallAction::Retrieve => "Reprendre",
            CallAction::HangUp => "Raccrocher",
            CallAction::DropParty => "Retirer",
            CallAction::Consult => "Consulter",
            CallAction::Reconnect => "Revenir",
            CallAction::Transfer => "Transférer",
            CallAction::Conference => "Conférence",
            CallAction::SendDtmf => "Clavier",
            CallAction::SendExtension => "Envoyer le poste",
        }
    }

    fn call_state(&self, call: &Call) -> &'static str {
        match call.state {
            CallState::RingingIn => "Sonnerie",
            CallState::RingingOut => "Appel en cours…",
            CallState::Connected if call.conference => "Conférence",
            CallState::Connected if call.consultation => "Consultation",
            CallState::Connected => "En ligne",
            CallState::Held => "En attente",
            CallState::Failed => "Échec",
        }
    }

    fn call_extension(&self, extension: &CallExtension) -> String {
        match extension.sent {
            true => format!("Poste {} envoyé", extension.digits),
            false => format!("Envoyer le poste {}", extension.digits),
        }
    }

    fn unknown_caller(&self) -> &'static str {
        "Appelant inconnu"
    }

    fn incoming_call(&self) -> &'static str {
        "Appel entrant"
    }

    fn incoming_call_from(&self, caller: Option<&str>) -> String {
        match caller {
            Some(caller) => format!("Appel entrant de {caller}"),
            None => "Appel entrant d'un appelant inconnu".to_owned(),
        }
    }

    fn tones_sent(&self, digits: &str) -> String {
        format!("Tonalités envoyées : {digits}")
    }

    fn log_subject(&self, subject: &LogSubject) -> String {
        let caller = |caller: &Option<String>| caller.clone().unwrap_or_else(|| "un appelant inconnu".to_owned());
        match subject {
            LogSubject::CallFrom(caller_number) => format!("Appel de {}", caller(caller_number)),
            LogSubject::MissedCallFrom(caller_number) => format!("Appel manqué de {}", caller(caller_number)),
            LogSubject::FailedCallTo(number) => format!("Appel échoué vers {number}"),
            LogSubject::CallTo(number) => format!("Appel vers {number}"),
            LogSubject::UnansweredCallTo(number) => format!("Appel sans réponse vers {number}"),
        }
    }

    fn log_description(&self, call: &Call, extension: &str) -> String {
        let kind = match CallType::of(call, extension) {
            CallType::Inbound => "entrant",
            CallType::Outbound => "sortant",
            CallType::Internal => "interne",
        };
        let withheld = call.withheld && call.direction == Direction::Inbound;
        let caller = if withheld { "masqué" } else { call.caller.as_str() };
        let (dialled, parties) = (&call.dialled, call.parties.join(", "));
        format!(
            "Appel {kind} au poste {extension} ; appelant {caller}, numéro composé {dialled} ; participants {parties}."
        )
    }

    fn label(&self, label: Label) -> &'static str {
        match label {
            Label::Softphone => "Softphone CtiSVR",
            Label::Connection => "Connexion",
            Label::Extension => "Poste",
            Label::RetryNow => "Réessayer",
            Label::Dismiss => "Fermer",
            Label::AgentId => "ID agent",
            Label::Password => "Mot de passe",
            Label::PasswordToChangeState => "requis pour changer d'état",
            Label::Login => "Se connecter",
            Label::Logout => "Se déconnecter",
            Label::AgentState => "État de l'agent",
            Label::WorkMode => "Mode de travail",
            Label::ReasonCode => "Code motif",
            Label::Calls => "Appels",
            Label::NoCall => "Aucun appel",
            Label::Caller => "Appelant",
            Label::DialledNumber => "Numéro composé",
            Label::Number => "Numéro",
            Label::Keypad => "Clavier",
        }
    }
}
