//! The token Salesforce's Telephony Integration API asks for: a JWT signed
//! RS256 with the provider's private key, whose certificate the contact
//! center holds (Salesforce: Service Cloud Voice REST API,
//! "Authorization"). Claims: `iss` the org id, `sub` the contact center's
//! API name, `aud` [`AUDIENCE`], `iat` now, `exp` [`LIFETIME_SECONDS`]
//! later (the page asks for an expiry within 3 minutes; Salesforce's demo
//! connector signs without `aud`, the page lists it: we follow the page).
//! No clock of its own: the caller passes the time.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

/// How long a token is good for, in seconds: under Salesforce's 3 minutes.
pub const LIFETIME_SECONDS: u64 = 150;
/// The token's audience, as Salesforce's "Authorization" page gives it.
pub const AUDIENCE: &str = "https://scrt.salesforce.com";

/// The provider's signing key for one org and contact center.
#[derive(Clone)]
pub struct ProviderKey {
    key: EncodingKey,
    org_id: String,
    contact_center: String,
}

impl std::fmt::Debug for ProviderKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("ProviderKey")
            .field("org_id", &self.org_id)
            .field("contact_center", &self.contact_center)
            .finish_non_exhaustive()
    }
}

/// Why no token could be made.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("not an RSA private key in PEM: {0}")]
    Key(jsonwebtoken::errors::Error),
    #[error("cannot sign the token: {0}")]
    Sign(jsonwebtoken::errors::Error),
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
}

impl ProviderKey {
    /// `pem`: the provider's RSA private key (PKCS#1 or PKCS#8).
    pub fn from_pem(pem: &[u8], org_id: &str, contact_center: &str) -> Result<ProviderKey, TokenError> {
        let key = EncodingKey::from_rsa_pem(pem).map_err(TokenError::Key)?;
        Ok(ProviderKey { key, org_id: org_id.to_owned(), contact_center: contact_center.to_owned() })
    }

    /// The contact center's API name (the bodies name it too).
    pub fn contact_center(&self) -> &str {
        &self.contact_center
    }

    /// A token issued at `now` (seconds since the Unix epoch).
    pub fn token(&self, now: u64) -> Result<String, TokenError> {
        let claims = Claims {
            iss: &self.org_id,
            sub: &self.contact_center,
            aud: AUDIENCE,
            iat: now,
            exp: now + LIFETIME_SECONDS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key).map_err(TokenError::Sign)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation};
    use serde_json::Value;

    const KEY: &[u8] = include_bytes!("../../ctisvr-mock/tests/keys/provider-test.key");
    const CERT: &[u8] = include_bytes!("../../ctisvr-mock/tests/keys/provider-test.crt");

    #[test]
    fn a_token_names_the_org_and_contact_center_and_expires() {
        let key = ProviderKey::from_pem(KEY, "00D1", "CtiSvr").unwrap_or_else(|e| panic!("{e}"));
        let token = key.token(1_000).unwrap_or_else(|e| panic!("{e}"));
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_exp = false;
        validation.set_audience(&[AUDIENCE]);
        let decoding = DecodingKey::from_rsa_pem(CERT).unwrap_or_else(|e| panic!("{e}"));
        let data = jsonwebtoken::decode::<Value>(&token, &decoding, &validation).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            data.claims,
            serde_json::json!({"iss": "00D1", "sub": "CtiSvr", "aud": AUDIENCE, "iat": 1_000, "exp": 1_150})
        );
        assert!(!format!("{key:?}").contains("BEGIN"), "Debug never shows the key");
        assert!(ProviderKey::from_pem(b"not a key", "00D1", "CtiSvr").is_err());
    }
}
