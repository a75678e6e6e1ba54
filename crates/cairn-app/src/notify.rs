//! Notifications: written in the transaction of what caused them, shown in the app, and
//! e-mailed through SMTP when configured (an outbox).

/// Where and how notifications are e-mailed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// The sender address, e.g. `cairn@hospital.example`.
    pub from: String,
}
