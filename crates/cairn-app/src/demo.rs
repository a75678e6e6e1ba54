//! The demo world: a hospital network, a training provider, an accreditor, a regional
//! workforce council, and about two hundred workers in teams.
//!
//! Generated from a fixed seed, so every demo database is the same world and the persona
//! sign-ins printed by `cairn demo` always work. Later capabilities add their own seed
//! steps here (credentials, modules, assessments…).

use cairn_core::rng::SeededRng;
use cairn_core::{Email, Membership, OrgKind, Organization, Role, Team, User};
use serde_json::json;
use time::OffsetDateTime;

use crate::security::hash_password;
use crate::{App, Result, now};

pub const DEMO_SEED: u64 = 0x00ca_1a2b_2026;
/// One password for every demo persona: the demo is for trying things out, never for real data.
pub const DEMO_PASSWORD: &str = "cairn-demo-2026";
pub const EMPLOYER_SLUG: &str = "riverside-health";

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
        kinds: &[OrgKind::Provider],
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
    Created { organizations: usize, people: usize },
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
            people += 1;
        }
        let entry = cairn_core::audit::AuditEntry {
            actor: "system".into(),
            org_id: None,
            action: "demo.seed".into(),
            subject: "demo".into(),
            detail: json!({"seed": DEMO_SEED, "organizations": orgs.len(), "people": people})
                .to_string(),
        };
        tx.conn().append_audit(&entry, now()).await?;
        tx.commit().await?;
        Ok(Seeded::Created {
            organizations: orgs.len(),
            people,
        })
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
