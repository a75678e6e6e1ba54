//! The demo world: a hospital network, a training provider, an accreditor, a regional
//! workforce council, and about two hundred workers in teams.
//!
//! Generated from a fixed seed, so every demo database is the same world and the persona
//! sign-ins printed by `cairn demo` always work. Later capabilities add their own seed
//! steps here (credentials, modules, assessments…).

use cairn_core::rng::SeededRng;
use cairn_core::{
    Achievement, AchievementKind, Email, Membership, OrgKind, Organization, Principal, Role, Team,
    User,
};
use serde_json::json;
use time::OffsetDateTime;

use crate::credentials::{Recipient, StatusAction};
use crate::security::hash_password;
use crate::{App, Result, now};

pub const DEMO_SEED: u64 = 0x00ca_1a2b_2026;
/// One password for every demo persona: the demo is for trying things out, never for real data.
pub const DEMO_PASSWORD: &str = "cairn-demo-2026";
pub const EMPLOYER_SLUG: &str = "riverside-health";
/// The demo's platform issuer (signs CLR transcripts): the regional workforce council.
pub const PLATFORM_ISSUER_SLUG: &str = "rhwc";

/// A sign-in printed for people trying the demo.
#[derive(Debug, Clone)]
pub struct Persona {
    pub persona: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub wants: &'static str,
}

pub const PERSONAS: &[Persona] = &[
    Persona {
        persona: "Learner",
        name: "Amara Okafor",
        email: "amara.okafor@riverside.example",
        wants: "registered nurse moving into clinical coding",
    },
    Persona {
        persona: "Workforce manager",
        name: "Daniel Reyes",
        email: "daniel.reyes@riverside.example",
        wants: "workforce manager and admin at Riverside Health Network",
    },
    Persona {
        persona: "Author",
        name: "Priya Natarajan",
        email: "priya.natarajan@northbridge.example",
        wants: "module author at Northbridge Clinical Academy",
    },
    Persona {
        persona: "Assessor",
        name: "Tomasz Kowalski",
        email: "tomasz.kowalski@rhwc.example",
        wants: "assessor at the Regional Health Workforce Council",
    },
    Persona {
        persona: "Accreditor",
        name: "Helen Achterberg",
        email: "helen.achterberg@cheq.example",
        wants: "reviewer at the Council for Health Education Quality",
    },
    Persona {
        persona: "Issuer admin",
        name: "Grace Mwangi",
        email: "grace.mwangi@rhwc.example",
        wants: "credentials administrator at the Regional Health Workforce Council",
    },
    Persona {
        persona: "Platform operator",
        name: "Sam Lindqvist",
        email: "operator@cairn.example",
        wants: "runs this Cairn installation",
    },
];

struct OrgSeed {
    slug: &'static str,
    name: &'static str,
    kinds: &'static [OrgKind],
}

const ORGS: &[OrgSeed] = &[
    OrgSeed {
        slug: EMPLOYER_SLUG,
        name: "Riverside Health Network",
        kinds: &[OrgKind::Employer],
    },
    OrgSeed {
        slug: "northbridge-academy",
        name: "Northbridge Clinical Academy",
        kinds: &[OrgKind::Provider, OrgKind::Issuer],
    },
    OrgSeed {
        slug: "cheq",
        name: "Council for Health Education Quality",
        kinds: &[OrgKind::Accreditor],
    },
    OrgSeed {
        slug: "rhwc",
        name: "Regional Health Workforce Council",
        kinds: &[OrgKind::Issuer, OrgKind::Provider],
    },
];

/// (persona index, org slug, role, job title)
const PERSONA_ROLES: &[(usize, &str, Role, &str)] = &[
    (0, EMPLOYER_SLUG, Role::Learner, "Registered Nurse"),
    (
        1,
        EMPLOYER_SLUG,
        Role::Manager,
        "Workforce Development Manager",
    ),
    (
        1,
        EMPLOYER_SLUG,
        Role::Admin,
        "Workforce Development Manager",
    ),
    (
        2,
        "northbridge-academy",
        Role::Author,
        "Instructional Designer",
    ),
    (
        2,
        "northbridge-academy",
        Role::Admin,
        "Instructional Designer",
    ),
    (3, "rhwc", Role::Assessor, "Clinical Coding Assessor"),
    (4, "cheq", Role::Reviewer, "Accreditation Reviewer"),
    (4, "cheq", Role::Admin, "Accreditation Reviewer"),
    (5, "rhwc", Role::Admin, "Credentials Administrator"),
];

/// Teams of the hospital network and the jobs people hold in them.
const TEAMS: &[(&str, &[&str])] = &[
    (
        "Health Information Management",
        &[
            "Clinical Coder",
            "Senior Clinical Coder",
            "Health Information Technician",
        ],
    ),
    (
        "Clinical Documentation Integrity",
        &["Clinical Documentation Specialist", "Registered Nurse"],
    ),
    (
        "Revenue Cycle",
        &[
            "Revenue Cycle Analyst",
            "Billing Specialist",
            "Patient Access Representative",
        ],
    ),
    (
        "Medical Ward 4B",
        &[
            "Registered Nurse",
            "Enrolled Nurse",
            "Nurse Unit Manager",
            "Healthcare Assistant",
        ],
    ),
    (
        "Emergency Department",
        &["Registered Nurse", "Paramedic", "Clinical Nurse Specialist"],
    ),
    (
        "Outpatient Clinics",
        &[
            "Medical Receptionist",
            "Registered Nurse",
            "Practice Manager",
        ],
    ),
    (
        "Quality and Patient Safety",
        &[
            "Quality Improvement Lead",
            "Privacy Officer",
            "Risk Analyst",
        ],
    ),
    (
        "Data and Analytics",
        &[
            "Health Data Analyst",
            "Data Engineer",
            "Business Intelligence Analyst",
        ],
    ),
];

const FIRST_NAMES: &[&str] = &[
    "Aisha",
    "Ben",
    "Chen",
    "Dalia",
    "Elif",
    "Farid",
    "Grace",
    "Hiroshi",
    "Ines",
    "Jamal",
    "Kavya",
    "Liam",
    "Maria",
    "Nikolai",
    "Olivia",
    "Pedro",
    "Quynh",
    "Rania",
    "Sipho",
    "Tariq",
    "Ursula",
    "Vikram",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zanele",
    "Anna",
    "Bogdan",
    "Carmen",
    "Dmitri",
    "Esther",
    "Fatima",
    "Gabriel",
    "Hana",
    "Ivan",
    "Joy",
    "Kwame",
    "Lucía",
    "Mohammed",
    "Noor",
    "Oluwaseun",
    "Priya",
    "Rosa",
    "Samuel",
    "Thandiwe",
    "Uche",
    "Valentina",
    "William",
    "Yara",
    "Zoë",
];

const LAST_NAMES: &[&str] = &[
    "Abdullah",
    "Bianchi",
    "Chowdhury",
    "Dubois",
    "Eriksen",
    "Fernández",
    "García",
    "Haddad",
    "Ivanova",
    "Johnson",
    "Kim",
    "Lindqvist",
    "Mensah",
    "Nguyen",
    "O'Connor",
    "Petrov",
    "Quispe",
    "Rahman",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Van der Berg",
    "Wiśniewska",
    "Xu",
    "Yamamoto",
    "Zulu",
    "Adeyemi",
    "Brown",
    "Costa",
    "Delacroix",
    "Ekström",
    "Fitzgerald",
    "Gómez",
    "Hughes",
    "Iyer",
    "Jovanović",
    "Kaur",
    "López",
    "Moreau",
    "Nakamura",
    "Okoye",
    "Patel",
    "Rossi",
    "Santos",
    "Thompson",
    "Ueda",
    "Virtanen",
    "Walker",
    "Yilmaz",
    "Zhang",
];

pub const DEMO_WORKERS: usize = 200;

/// What seeding did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seeded {
    Created {
        organizations: usize,
        people: usize,
        credentials: usize,
    },
    AlreadyThere,
}

fn ascii_local_part(first: &str, last: &str) -> String {
    let fold = |s: &str| {
        s.chars()
            .map(|c| match c {
                'á' | 'à' | 'â' | 'ä' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'í' | 'ï' => 'i',
                'ó' | 'ö' | 'ô' => 'o',
                'ú' | 'ü' => 'u',
                'ñ' | 'ń' => 'n',
                'ś' => 's',
                'ć' => 'c',
                'ç' => 'c',
                c => c,
            })
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase()
    };
    format!("{}.{}", fold(first), fold(last))
}

impl App {
    /// Seed the demo world unless it is already there.
    pub async fn seed_demo(&self) -> Result<Seeded> {
        {
            let mut r = self.store.reader().await?;
            if r.conn().org_by_slug(EMPLOYER_SLUG).await?.is_some() {
                return Ok(Seeded::AlreadyThere);
            }
        }
        let cost = self.config.password_cost;
        let password_hash = tokio::task::spawn_blocking(move || hash_password(DEMO_PASSWORD, cost))
            .await
            .map_err(|e| crate::AppError::Internal(format!("hashing task: {e}")))??;

        let mut rng = SeededRng::new(DEMO_SEED);
        // Fixed creation times keep the seeded world identical from run to run.
        let t0 = OffsetDateTime::from_unix_timestamp(1_767_225_600)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH); // 2026-01-01
        let mut tx = self.store.begin().await?;
        let mut orgs = Vec::new();
        for o in ORGS {
            let org = Organization {
                id: rng.uuid(),
                slug: o.slug.into(),
                name: o.name.into(),
                kinds: o.kinds.to_vec(),
                created_at: t0,
            };
            tx.conn().insert_org(&org).await?;
            orgs.push(org);
        }
        let org_id = |slug: &str| {
            orgs.iter()
                .find(|o| o.slug == slug)
                .map(|o| o.id)
                .unwrap_or_default()
        };

        let mut people = 0;
        let mut persona_ids = Vec::new();
        for p in PERSONAS {
            let user = User {
                id: rng.uuid(),
                display_name: p.name.into(),
                emails: vec![Email {
                    address: p.email.into(),
                    primary: true,
                }],
                is_operator: p.persona == "Platform operator",
                created_at: t0,
            };
            tx.conn().insert_user(&user, Some(&password_hash)).await?;
            persona_ids.push(user.id);
            people += 1;
        }
        for (i, slug, role, title) in PERSONA_ROLES {
            tx.conn()
                .insert_membership(&Membership {
                    org_id: org_id(slug),
                    user_id: persona_ids[*i],
                    role: *role,
                    job_title: Some((*title).into()),
                    created_at: t0,
                })
                .await?;
        }

        let employer = org_id(EMPLOYER_SLUG);
        let mut teams = Vec::new();
        for (name, _) in TEAMS {
            let team = Team {
                id: rng.uuid(),
                org_id: employer,
                name: (*name).into(),
            };
            tx.conn().insert_team(&team).await?;
            teams.push(team);
        }
        // The learner and manager personas belong to teams too, so their pages have context.
        tx.conn()
            .add_team_member(teams[1].id, persona_ids[0])
            .await?;

        let mut used = std::collections::HashSet::new();
        let mut workers = Vec::new();
        for n in 0..DEMO_WORKERS {
            let first = *rng.pick(FIRST_NAMES);
            let last = *rng.pick(LAST_NAMES);
            let mut local = ascii_local_part(first, last);
            if !used.insert(local.clone()) {
                local = format!("{local}{n}");
                used.insert(local.clone());
            }
            let team_ix = rng.below(TEAMS.len() as u64) as usize;
            let title = *rng.pick(TEAMS[team_ix].1);
            let user = User {
                id: rng.uuid(),
                display_name: format!("{first} {last}"),
                emails: vec![Email {
                    address: format!("{local}@riverside.example"),
                    primary: true,
                }],
                is_operator: false,
                created_at: t0,
            };
            // Workers have no password: they are people to plan for, not demo sign-ins.
            tx.conn().insert_user(&user, None).await?;
            tx.conn()
                .insert_membership(&Membership {
                    org_id: employer,
                    user_id: user.id,
                    role: Role::Learner,
                    job_title: Some(title.into()),
                    created_at: t0,
                })
                .await?;
            tx.conn()
                .add_team_member(teams[team_ix].id, user.id)
                .await?;
            workers.push((user.emails[0].address.clone(), team_ix));
            people += 1;
        }
        self.seed_icd11_sample(&mut tx).await?;
        self.seed_demo_frameworks(&mut tx).await?;
        self.seed_demo_modules(&mut tx, &orgs).await?;
        let credentials = self
            .seed_credentials(&mut tx, &mut rng, &orgs, &workers, t0)
            .await?;

        let entry = cairn_core::audit::AuditEntry {
            actor: "system".into(),
            org_id: None,
            action: "demo.seed".into(),
            subject: "demo".into(),
            detail: json!({"seed": DEMO_SEED, "organizations": orgs.len(), "people": people, "credentials": credentials})
                .to_string(),
        };
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        // Validation runs through the use cases themselves (attempts are started, scored
        // and reviewed as a learner and an assessor would), so each step commits its own.
        self.seed_demo_assessments(&orgs).await?;
        let credentials = credentials + self.seed_demo_rubrics(&orgs).await?;
        let credentials = credentials + self.seed_demo_validation(&orgs).await?;
        let credentials = credentials + self.seed_workforce_demo().await?;
        self.seed_accreditation_demo().await?;
        let credentials = credentials + self.seed_xapi_demo().await?;
        Ok(Seeded::Created {
            organizations: orgs.len(),
            people,
            credentials,
        })
    }
}

/// (kind, name, description, criteria) of the council's achievements.
const COUNCIL_ACHIEVEMENTS: &[(AchievementKind, &str, &str, &str)] = &[
    (
        AchievementKind::Badge,
        "ICD-11 Coding Foundations",
        "Assigns ICD-11 MMS stem codes to common diagnoses using the coding tool and the tabular list.",
        "Scored at least 80% on the standardized ICD-11 foundations assessment.",
    ),
    (
        AchievementKind::Badge,
        "ICD-11 Postcoordination",
        "Builds postcoordinated clusters with extension codes for severity, laterality and causality.",
        "Scored at least 80% on ICD-11 postcoordination items, including clinical vignettes.",
    ),
    (
        AchievementKind::Badge,
        "Clinical Documentation Integrity",
        "Reviews clinical records for completeness and specificity, and writes compliant queries to clinicians.",
        "Two assessors rated a documented query portfolio as proficient on the CDI rubric.",
    ),
    (
        AchievementKind::Badge,
        "Health Data Quality",
        "Checks completeness, validity and timeliness of coded health data and reports issues.",
        "Completed the data-quality module and its case exercise with a passing score.",
    ),
    (
        AchievementKind::Badge,
        "Value-Based Care Essentials",
        "Explains value-based payment models, bundled payments and quality measures to care teams.",
        "Scored at least 75% on the value-based care assessment.",
    ),
    (
        AchievementKind::Badge,
        "Privacy and Data Protection in Health",
        "Applies health-privacy rules to everyday handling of patient information.",
        "Scored at least 85% on the privacy assessment, including scenario items.",
    ),
    (
        AchievementKind::Badge,
        "Leading Interprofessional Teams",
        "Leads short huddles across professions and resolves role conflicts constructively.",
        "An assessor observed and rated a team huddle as proficient on the leadership rubric.",
    ),
    (
        AchievementKind::MicroCredential,
        "ICD-11 Clinical Coder",
        "Codes inpatient and outpatient episodes with ICD-11 to a professional standard.",
        "Holds ICD-11 Coding Foundations, ICD-11 Postcoordination and Health Data Quality.",
    ),
    (
        AchievementKind::MicroCredential,
        "Health Data Analyst Foundations",
        "Prepares, analyses and explains coded health data for service planning.",
        "Holds Health Data Quality and passed the analytics practical.",
    ),
    (
        AchievementKind::NanoDegree,
        "Health Information Management",
        "Runs coding, documentation integrity and data quality for a hospital service.",
        "Holds the ICD-11 Clinical Coder micro-credential, Clinical Documentation Integrity and Privacy and Data Protection in Health.",
    ),
];

fn demo_request(
    a: &Achievement,
    recipient: Recipient,
    jwt: bool,
) -> crate::credentials::IssueRequest {
    crate::credentials::IssueRequest {
        achievement_id: a.id,
        recipient,
        valid_until: None,
        jwt,
    }
}

/// The fewest credentials the demo world holds (it seeds a few hundred), so every
/// credential page and list has something real to show.
pub const DEMO_MIN_CREDENTIALS: usize = 250;

impl App {
    /// Credentials for the demo: the council (did:web) certifies workers' skills; the academy
    /// (did:key) issues module completion badges. A few are suspended or revoked.
    async fn seed_credentials(
        &self,
        tx: &mut cairn_store::Tx,
        rng: &mut SeededRng,
        orgs: &[Organization],
        workers: &[(String, usize)],
        t0: OffsetDateTime,
    ) -> Result<usize> {
        let sys = Principal::system();
        let find = |slug: &str| orgs.iter().find(|o| o.slug == slug);
        let (Some(council), Some(academy)) = (find("rhwc"), find("northbridge-academy")) else {
            return Ok(0);
        };
        tx.conn().set_issuer_did_method(academy.id, "key").await?;
        let mut council_achievements = Vec::new();
        for (kind, name, description, criteria) in COUNCIL_ACHIEVEMENTS {
            let a = Achievement {
                id: rng.uuid(),
                org_id: council.id,
                kind: *kind,
                name: (*name).into(),
                description: (*description).into(),
                criteria: (*criteria).into(),
                created_at: t0,
                spec: Default::default(),
            };
            tx.conn().insert_achievement(&a).await?;
            council_achievements.push(a);
        }
        let module_badge = Achievement {
            id: rng.uuid(),
            org_id: academy.id,
            kind: AchievementKind::Badge,
            name: "Micro-module: Telling ICD-10 and ICD-11 Apart".into(),
            description: "Completed the 15-minute module on the structural differences between ICD-10 and ICD-11.".into(),
            criteria: "Completed the module and answered its knowledge check correctly.".into(),
            created_at: t0,
            spec: Default::default(),
        };
        tx.conn().insert_achievement(&module_badge).await?;

        let mut issued = Vec::new();
        let mut from_academy = 0;
        // The learner persona's path so far: three badges and her first micro-credential.
        let amara = PERSONAS[0].email;
        for ix in [0usize, 1, 3, 7] {
            let i = self
                .issue_in(
                    tx,
                    &sys,
                    council,
                    &council_achievements[ix],
                    &demo_request(
                        &council_achievements[ix],
                        Recipient::Email(amara.into()),
                        ix == 7,
                    ),
                )
                .await?;
            issued.push(i.record.id);
        }
        for (email, team) in workers {
            // Coding and data teams hold more of the coding badges.
            let n = if *team == 0 || *team == 7 { 2 } else { 1 };
            for _ in 0..n {
                let ix = if *team == 0 {
                    rng.below(3) as usize
                } else {
                    rng.below(7) as usize
                };
                let i = self
                    .issue_in(
                        tx,
                        &sys,
                        council,
                        &council_achievements[ix],
                        &demo_request(
                            &council_achievements[ix],
                            Recipient::Email(email.clone()),
                            false,
                        ),
                    )
                    .await?;
                issued.push(i.record.id);
            }
            if rng.chance(15) {
                self.issue_in(
                    tx,
                    &sys,
                    academy,
                    &module_badge,
                    &demo_request(&module_badge, Recipient::Email(email.clone()), false),
                )
                .await?;
                from_academy += 1;
            }
        }
        // A few credentials with a history, so the status pages have something to show.
        for (k, action) in [
            (11usize, StatusAction::Revoke),
            (23, StatusAction::Revoke),
            (37, StatusAction::Suspend),
            (51, StatusAction::Suspend),
        ] {
            if let Some(id) = issued.get(k) {
                let (revoked, suspended) = match action {
                    StatusAction::Revoke => (Some(t0), None),
                    _ => (None, Some(t0)),
                };
                let reason = match action {
                    StatusAction::Revoke => "issued to the wrong person",
                    _ => "assessment under review",
                };
                tx.conn()
                    .set_credential_state(council.id, *id, revoked, suspended, Some(reason))
                    .await?;
            }
        }
        self.resign_all_status_lists(tx, council).await?;
        Ok(issued.len() + from_academy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_local_parts_are_ascii() {
        assert_eq!(ascii_local_part("Zoë", "Wiśniewska"), "zoe.wisniewska");
        assert_eq!(ascii_local_part("Lucía", "O'Connor"), "lucia.oconnor");
        assert_eq!(ascii_local_part("Ana", "Van der Berg"), "ana.vanderberg");
    }

    #[test]
    fn every_persona_has_a_role_somewhere_but_the_operator() {
        for (i, p) in PERSONAS.iter().enumerate() {
            let has = PERSONA_ROLES.iter().any(|(j, ..)| *j == i);
            assert_eq!(has, p.persona != "Platform operator", "{}", p.persona);
        }
    }
}
