//! The demo partnership's asset map: sixty made-up services of the
//! fictional Ardnaveen partnership, written as HSDS 3.0 documents and
//! loaded through the same importer an operator uses. Every name, address,
//! phone number (Ofcom's drama range, 01632 960xxx) and email address
//! (`.example`) is invented.

use std::collections::HashMap;

use anyhow::Context as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{interchange, store};
use crate::{db::Db, demo, organisations::store as organisations};

/// An id shaped like a random (version 4) UUID but derived from `seed`, so
/// every demo gets the same ids and links to it keep working.
pub fn uuid_for(seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The kinds of help, as (code, name, description).
const TERMS: &[(&str, &str, &str)] = &[
    (
        "food",
        "Food and meals",
        "Lunch clubs, community meals, fridges and food to take home",
    ),
    (
        "company",
        "Befriending and company",
        "Someone to talk to, and places to meet people",
    ),
    (
        "transport",
        "Transport and lifts",
        "Getting to appointments, shops and groups",
    ),
    (
        "exercise",
        "Exercise and walking",
        "Staying active at any age and ability",
    ),
    (
        "wellbeing",
        "Mental health and wellbeing",
        "Support when life feels hard, and ways to feel better",
    ),
    (
        "carers",
        "Carers' support",
        "Help for people who look after someone",
    ),
    (
        "advice",
        "Advice and money",
        "Benefits, debt, housing and bills",
    ),
    (
        "rooms",
        "Rooms and halls to borrow",
        "Places community groups can use or hire",
    ),
    (
        "digital",
        "Digital help",
        "Getting online and staying safe there",
    ),
];

/// Places services run from:
/// key | name | street | town | postcode | accessibility notes (;) | getting there
const VENUES: &str = "
seaview | Seaview Church Hall | 4 Harbour Brae | Ardnaveen | AV1 1AB | Step-free entrance by the side door; Hearing loop in the main hall; Accessible toilet next to the kitchen | Buses 12 and 14 stop on Harbour Brae
library | Ardnaveen Library | 12 Shore Street | Ardnaveen | AV1 2BA | Level access at the main door; Hearing loop at the front desk; Accessible toilet on the ground floor; Two blue badge parking spaces behind the building | A short walk from the bus station
harbourside | Harbourside Community Centre | 1 Quay Road | Ardnaveen | AV1 3DA | Ramp at the front entrance; Accessible toilet | Bus 12 stops outside
carers | Coastline Carers Centre | 27 Esplanade | Ardnaveen | AV2 1AD | Wheelchair accessible throughout; Induction loop in the meeting room; Accessible toilet with grab rails; Blue badge parking at the door | Buses 14 and 20 stop on the Esplanade
health | Ardnaveen Health Centre | Kirk Road | Ardnaveen | AV2 2BE | Step-free access and automatic doors; Hearing loop at reception; Accessible toilet; Accessible parking next to the entrance | Bus 20 stops at the health centre
sports | Shorefront Sports Hall | Links Road | Ardnaveen | AV2 3EA | Step-free access to the hall; Accessible toilet and changing room | Ten minutes' walk from the Esplanade
boathouse | The Old Boathouse | Pier Lane | Ardnaveen | AV1 4EB | Three steps at the entrance, with a handrail; The toilet is up a short stair | Walk along the pier from Shore Street
garden | Mill Lane Community Garden | Mill Lane | Ardnaveen | AV2 4DE | Firm, level paths to the raised beds; Accessible toilet in the garden cabin | Bus 14 to the end of Mill Lane
strath | Strathfeorag Village Hall | Main Street | Strathfeorag | AV3 1AB | Ramp to the front door; Hearing loop in the main hall; Accessible toilet | Bus 40 on weekdays, or the community car scheme
resource | Glens Resource Centre | Bridge Street | Kilbrannan | AV3 2BA | Level access; Induction loop in both meeting rooms; Accessible toilet; Blue badge parking | Bus 40 stops on Bridge Street
hut | Benmore Youth Hut | Station Road | Benmore | AV4 1DA | Step-free entrance; Accessible toilet | Next to the old station car park
glenside | Glenside Church Hall | Glen Road | Kilbrannan | AV3 3EA | Side door with a ramp; Hearing loop | Five minutes' walk from the square
heatherlea | Heatherlea Day Centre | Heatherlea Road | Kilbrannan | AV4 2AD | Wheelchair accessible throughout; Accessible toilets with a hoist; Accessible parking | Transport can be arranged when you book
kilbrannan | Kilbrannan Library | The Square | Kilbrannan | AV4 3BE | Two steps at the door, with a portable ramp kept inside; Hearing loop at the desk | Bus 40 stops in the square
";

/// The services, one a line:
/// name | organisation (index in `demo::ORGANISATIONS` order) | kinds |
/// venue (`-` for none) | sessions (`BYDAY HH:MM-HH:MM [words]`, `;`
/// between; an ordinal day such as `2MO` is monthly) | ages (`60-`,
/// `8-16`) | cost (`0` free, `3.50 per meal`, empty unstated) | languages
/// | who it is for | description
const SERVICES: &str = "
Seaview Lunch Club | 8 | food,company | seaview | TU,TH 12:00-14:00 | 60- | 3.50 per two-course meal | en | Older people on the coast, and anyone who cares for them | A hot two-course lunch cooked by volunteers, with tea, a blether and a raffle. Come on your own or bring a friend, and tell us about any diet you need the first time you come.
Harbourside Community Fridge | 8 | food | harbourside | MO,WE,FR 10:00-16:00 | | 0 | en pl | Anyone. You do not need a referral. | Fresh food that shops and growers would otherwise throw away, free to take. Bring a bag. Volunteers can help you plan meals with what is there.
Strathfeorag Lunch Club | 13 | food,company | strath | WE 12:00-14:00 | 60- | 4 per meal | en gd | | Soup, a main course and pudding in the village hall every Wednesday. The community car scheme can bring you if you cannot get there yourself.
Soup and Blether | 20 | food,company | glenside | FR 12:00-13:30 | | 0 | en | | Homemade soup and bread, with company, every Friday. Give what you can, or nothing at all.
Cook and Eat for Young People | 18 | food | hut | TH 17:00-19:00 | 12-18 | 0 | en | Young people in the glens | Learn to cook cheap, tasty meals and eat them together. Every ingredient is provided.
Meals at Home | 1 | food | - | MO,TU,WE,TH,FR 11:30-13:30 | 18- | 4.20 per meal | en | People who cannot easily cook for themselves, after an assessment by the council | Hot meals delivered to your door at lunchtime on weekdays. Ask your link worker, or phone us to arrange an assessment.
Harvest Share | 19 | food | garden | SA 10:00-12:00 | | 0 | en | | Take home fruit and vegetables grown in the community garden. Closed for the winter while the beds rest.
Telephone Befriending | 9 | company | - | MO,TU,WE,TH,FR 10:00-16:00 | 18- | 0 | en gd | Adults who feel lonely or cut off, in the glens or on the coast | A trained volunteer phones you once or twice a week, at a time that suits you, for a chat.
Home Visiting Befrienders | 9 | company | - | MO,TU,WE,TH,FR 09:00-17:00 | 65- | 0 | en | People aged 65 and over who live alone in the glens | A friendly volunteer visits you at home each week for a cup of tea, a walk or a trip out. Every volunteer holds a PVG check.
Seaview Dementia Cafe | 14 | company,carers | seaview | 2MO 14:00-16:00 Second Monday of each month, 2pm to 4pm | | 0 | en | People living with dementia and the people who care for them | A relaxed afternoon of music, memories and tea, with staff from the community health team on hand for a quiet word.
Men's Shed Open Sessions | 12 | company | boathouse | TU,TH 10:00-15:00; SA 10:00-13:00 | 18- | 2 per session, as a donation | en | | Make, mend and talk in a workshop full of tools. Everyone is welcome, and the kettle is always on.
Coffee and Chat at the Library | 5 | company | library | WE 10:30-12:00 | | 0 | en | | An informal coffee morning in the library, with newspapers, jigsaws and good company.
Polish Coffee Morning | 7 | company | harbourside | SA 10:00-12:00 | | 0 | pl en | | Poranna kawa: a coffee morning for Polish speakers and their friends, with help reading letters and forms in English.
Ardnaveen Gaelic Choir | 21 | company | library | MO 19:00-21:00 | 16- | 3 per session | gd en | | Sing in Gaelic with others, whether or not you speak it. There is no audition, and learners are very welcome.
Late Night Listening Line | 7 | wellbeing,company | - | FR,SA 22:00-02:00 | 16- | 0 | en | Anyone aged 16 or over who needs to talk | Trained volunteers answer the phone late on Friday and Saturday nights, when other services are closed. This is not a crisis service: in an emergency, call the emergency services.
Community Car Scheme | 11 | transport | - | MO,TU,WE,TH,FR 08:00-18:00 | | 0.45 per mile | en | People who cannot use the bus, for health appointments, shopping and visits | Volunteer drivers take you in their own cars. Book at least two days ahead.
Glens Dial-a-Bus | 11 | transport | resource | TU,FR 09:00-16:00 | | 2 per journey | en | | A door-to-door minibus with a wheelchair lift, between the glens villages and Kilbrannan. Book by phone the day before.
Shopmobility | 26 | transport | harbourside | MO,TU,WE,TH,FR,SA 09:30-16:30 | 16- | 0 | en | | Borrow a mobility scooter or a manual chair to get around the town centre. Bring proof of address the first time.
Hospital Run | 27 | transport | - | MO,TU,WE,TH,FR 07:30-18:00 | | 12 per return trip | en | | A shared taxi to hospital appointments in the city, leaving the glens villages each weekday morning.
Volunteer Drivers on the Coast | 7 | transport | - | MO,TU,WE,TH,FR 09:00-17:00 | | 0 | en | | Free lifts to doctor's and dentist's appointments on the coast, by volunteers with their own cars.
Accessible Minibus Hire | 11 | transport | resource | MO,TU,WE,TH,FR 09:00-17:00 | | 25 per day, plus fuel | en | Community groups in the partnership area | Hire our minibus, which has a wheelchair lift, for group outings. Drivers need a minibus test, which we can arrange.
Gentle Walks | 16 | exercise,company | kilbrannan | WE 10:00-12:00 | | 0 | en | | Walking at an easy pace on level paths for about an hour, then tea. Meet outside the library.
Walking Football | 1 | exercise | sports | MO 18:00-19:30 | 50- | 2 per session | en | | Football without running or tackling, for anyone aged 50 or over. All abilities are welcome.
Chair-Based Exercise | 3 | exercise | seaview | TH 11:00-12:00 | 60- | 0 | en | | Seated exercises to music, to keep you moving and steady on your feet, led by a physiotherapy assistant.
Strength and Balance Classes | 28 | exercise | sports | TU 14:00-15:00 | 55- | 5 per class | en | People who have had a fall or worry about falling | A twelve-week course of exercises that lower the chance of a fall. You can be referred, or refer yourself.
Youth Football | 18 | exercise | hut | SA 10:00-12:00 | 8-16 | 0 | en | | Football coaching and games on Saturday mornings. Boots can be borrowed.
Nordic Walking on the Esplanade | 7 | exercise | carers | SU 10:00-11:30 | 16- | 3 per walk, poles included | en | | Walking with poles along the seafront on Sunday mornings. Poles and a first lesson are provided.
Community Garden Volunteering | 19 | exercise,wellbeing | garden | TU,TH 10:00-15:00 | 16- | 0 | en pl | | Grow food, build beds and get some fresh air. No experience needed; gloves and tools are provided.
Glens Wellbeing Drop-in | 4 | wellbeing | resource | MO,WE 13:00-16:00 | 16- | 0 | en | | Talk to a mental health nurse without an appointment about anything that is worrying you.
Peer Support Group | 7 | wellbeing | harbourside | TH 18:30-20:00 | 18- | 0 | en | Adults living with anxiety or low mood | Meet others who understand, in a small group led by people with their own experience of mental ill health.
Mindful Mornings | 5 | wellbeing | library | SA 10:00-11:00 | 16- | 0 | en | | A quiet hour of guided relaxation and breathing. Wear something comfortable.
Young People's Wellbeing Space | 18 | wellbeing | hut | TU 16:00-18:00 | 12-25 | 0 | en | | A safe space to relax, talk and get support with stress, exams or anything else.
Bereavement Support Group | 0 | wellbeing | resource | 1TU 18:00-20:00 First Tuesday of each month, 6pm to 8pm | 18- | 0 | en | | Meet others who have lost someone close. Come to as many or as few meetings as you like.
Counselling at Heatherlea | 25 | wellbeing | heatherlea | MO,TU,WE,TH,FR 09:00-17:00 | 16- | 20 per session, less on a low income | en | | Up to twelve sessions with a qualified counsellor. Fees are lower for people on benefits.
Carers Centre Drop-in | 10 | carers,advice | carers | MO,TU,WE,TH,FR 09:30-16:30 | 16- | 0 | en pl | Anyone who looks after a relative, partner or friend | Advice, a listening ear and help with a carer support plan. No appointment needed.
Young Carers Group | 10 | carers,company | carers | WE 16:00-18:00 | 8-18 | 0 | en | Young people who help look after someone at home | Time out, trips and fun with others who understand what caring is like.
Short Breaks Advice Line | 10 | carers,advice | - | MO,TU,WE,TH,FR 10:00-15:00 | 16- | 0 | en | | Help to plan a break from caring, and to apply for money towards it.
Dementia Carers Evening | 14 | carers | seaview | TU 19:00-21:00 | 18- | 0 | en | | An evening support group for people caring for someone with dementia, with a speaker once a month.
Glens Carers Cafe | 9 | carers,company | glenside | FR 10:00-12:00 | 16- | 0 | en gd | | Tea, cake and a chance to talk with other carers in the glens.
Emergency Planning for Carers | 23 | carers | - | MO,TU,WE,TH,FR 09:00-17:00 | 18- | 0 | en | | Make a plan with a care worker for what would happen if you were suddenly unable to care.
Citizens Advice Drop-in | 17 | advice | harbourside | MO,WE,FR 10:00-15:00 | 16- | 0 | en | | Free, confidential advice on benefits, debt, housing, work and problems with things you have bought.
Citizens Advice in the Glens | 17 | advice | resource | TH 10:00-13:00 | 16- | 0 | en | | The coast drop-in comes to Kilbrannan every Thursday morning.
Energy Advice Surgery | 6 | advice | library | TU 10:00-12:00 | 16- | 0 | en | | Help with fuel bills, heating grants and keeping your home warm for less.
Benefits Check by Phone | 17 | advice | - | MO,TU,WE,TH,FR 09:00-17:00 | 16- | 0 | en pl | | Find out in twenty minutes whether you are getting everything you are entitled to.
Housing Options Advice | 6 | advice | resource | MO,TU,WE,TH 09:00-17:00 | 16- | 0 | en | | Advice if you could lose your home, or your home no longer suits you.
Medicines Review at the Pharmacy | 24 | advice,wellbeing | health | MO,TU,WE,TH,FR,SA 09:00-17:30 | 18- | 0 | en | People who take several medicines | Sit down with a pharmacist to check your medicines are still right for you.
Scam Awareness Sessions | 1 | advice,digital | library | 1WE 14:00-15:30 First Wednesday of each month, 2pm to 3.30pm | | 0 | en | | Learn to spot scam phone calls, letters and emails, with the council's trading standards officers.
Strathfeorag Village Hall | 20 | rooms | strath | MO,TU,WE,TH,FR,SA,SU 08:00-22:00 | | 12 per hour | en | | A main hall for eighty people, a small meeting room and a kitchen, to hire by the hour.
Seaview Church Hall Meeting Room | 7 | rooms | seaview | MO,TU,WE,TH,FR 09:00-21:00 | | 8 per hour | en | | A meeting room for up to twenty, with tea and coffee.
Library Community Room | 5 | rooms | library | MO,TU,WE,TH,FR 09:00-17:00 | | 0 | en | Community groups and charities | Free to book for community groups. It seats thirty and has a screen and a hearing loop.
Harbourside Community Kitchen | 8 | rooms,food | harbourside | MO,TU,WE,TH,FR 09:00-17:00 | | 0 | en | Community groups | A fully equipped kitchen that groups can borrow to cook for events.
Glens Resource Centre Rooms | 0 | rooms | resource | MO,TU,WE,TH,FR 08:30-17:00 | | 0 | en | Groups and services working with the partnership | Two meeting rooms, free to groups that work with the partnership.
Benmore Youth Hut Evenings | 18 | rooms | hut | MO,WE 18:00-22:00 | | 10 per evening | en | | The hut is free for youth groups and can be hired by others on Monday and Wednesday evenings.
Digital Drop-in | 5 | digital | library | TU 14:00-16:00 | | 0 | en | | Bring your phone, tablet or laptop and get help with whatever you are stuck on.
Tablet Lending | 5 | digital | library | MO,TU,WE,TH,FR,SA 10:00-17:00 | 18- | 0 | en | | Borrow a tablet with free data for up to three months, with a volunteer to help you get started.
Get Online in Kilbrannan | 5 | digital | kilbrannan | TH 10:00-12:00 | | 0 | en gd | | One-to-one help with email, video calls, online forms and shopping.
Video Calls with Family | 22 | digital,company | - | MO,TU,WE,TH,FR,SA,SU 10:00-18:00 | | 0 | en | Families of Rowanbank residents | Staff help residents make video calls to their families, any day of the week.
Polish Digital Help | 7 | digital | harbourside | SA 12:30-14:00 | | 0 | pl en | | Pomoc cyfrowa: help with computers and phones for Polish speakers, after the coffee morning.
Gaelic Computer Club | 21 | digital | library | TH 18:00-19:30 | | 0 | gd en | | Learn computer skills in Gaelic, and find Gaelic apps and radio online.
Heatherlea Day Activities | 25 | company,exercise | heatherlea | MO,TU,WE,TH,FR 10:00-15:30 | 65- | 28 per day, lunch included | en | Older people, after a social work assessment | Activities, lunch and company in a day centre with trained staff.
";

/// Closed for now, to show how a paused listing looks.
const TEMPORARILY_CLOSED: &str = "Harvest Share";

/// The first organisations (public and third sector) keep their own
/// listings; the independent providers' are left for them to claim.
const FIRST_UNCLAIMED_ORGANISATION: usize = 22;

const LANGUAGES: &[(&str, &str)] = &[("en", "English"), ("gd", "Gaelic"), ("pl", "Polish")];

/// Splits a table line into its trimmed columns.
fn columns(line: &str) -> Vec<&str> {
    line.split('|').map(str::trim).collect()
}

fn rows(table: &str) -> impl Iterator<Item = Vec<&str>> {
    table
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(columns)
}

/// `demo-street-name` from "Demo Street's Name", for made-up web addresses.
fn slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ')
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
}

/// The demo postcodes' coordinates, from the same directory the demo imports.
fn postcode_coordinates() -> HashMap<String, (f64, f64)> {
    demo::postcode_directory()
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split(',');
            let postcode = fields.next()?.to_owned();
            let latitude = fields.next()?.parse().ok()?;
            let longitude = fields.next()?.parse().ok()?;
            Some((postcode, (latitude, longitude)))
        })
        .collect()
}

/// A venue as an HSDS location.
fn location(venue: &[&str], coordinates: &HashMap<String, (f64, f64)>) -> anyhow::Result<Value> {
    let [key, name, street, town, postcode, access, transport] = venue else {
        anyhow::bail!("a venue needs seven columns: {venue:?}");
    };
    let (latitude, longitude) = coordinates
        .get(*postcode)
        .copied()
        .with_context(|| format!("{postcode} is not a demo postcode"))?;
    let accessibility: Vec<Value> = access
        .split(';')
        .map(str::trim)
        .enumerate()
        .map(|(i, note)| json!({"id": uuid_for(&format!("access:{key}:{i}")), "description": note}))
        .collect();
    Ok(json!({
        "id": uuid_for(&format!("location:{key}")),
        "location_type": "physical",
        "name": name,
        "latitude": latitude,
        "longitude": longitude,
        "transportation": transport,
        "addresses": [{
            "id": uuid_for(&format!("address:{key}")),
            "address_1": street,
            "city": town,
            "state_province": "Ardnaveen",
            "postal_code": postcode,
            "country": "GB",
            "address_type": "physical",
        }],
        "accessibility": accessibility,
    }))
}

/// `TU,TH 12:00-14:00; 2MO 14:00-16:00 Second Monday…` as HSDS schedules.
fn schedules(name: &str, sessions: &str) -> anyhow::Result<Vec<Value>> {
    sessions
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, session)| {
            let mut parts = session.splitn(3, ' ');
            let (Some(byday), Some(hours)) = (parts.next(), parts.next()) else {
                anyhow::bail!("{name}: a session needs days and hours: {session}");
            };
            let (opens, closes) = hours
                .split_once('-')
                .with_context(|| format!("{name}: hours look like 10:00-12:00: {hours}"))?;
            let monthly = byday.starts_with(|c: char| c.is_ascii_digit());
            let mut schedule = json!({
                "id": uuid_for(&format!("schedule:{name}:{i}")),
                "freq": if monthly { "MONTHLY" } else { "WEEKLY" },
                "byday": byday,
                "opens_at": opens,
                "closes_at": closes,
            });
            if let Some(words) = parts.next() {
                schedule["description"] = json!(words);
            }
            Ok(schedule)
        })
        .collect()
}

/// `3.50 per meal` as an HSDS cost option; `0` is free.
fn cost_options(name: &str, cost: &str) -> anyhow::Result<Vec<Value>> {
    if cost.is_empty() {
        return Ok(Vec::new());
    }
    let (amount, per) = cost.split_once(' ').unwrap_or((cost, ""));
    let amount: f64 = amount
        .parse()
        .with_context(|| format!("{name}: a cost starts with a number: {cost}"))?;
    let mut option = json!({
        "id": uuid_for(&format!("cost:{name}")),
        "currency": "GBP",
        "amount": amount,
    });
    if !per.is_empty() {
        option["amount_description"] = json!(per);
    }
    Ok(vec![option])
}

/// One service line as an HSDS service document.
fn service(
    index: usize,
    line: &[&str],
    organisation_names: &[String],
    venues: &HashMap<&str, Value>,
) -> anyhow::Result<(Value, usize)> {
    let [
        name,
        organisation,
        kinds,
        venue,
        sessions,
        ages,
        cost,
        languages,
        who,
        about,
    ] = line
    else {
        anyhow::bail!("a service needs ten columns: {line:?}");
    };
    let organisation: usize = organisation.parse()?;
    let organisation_name = organisation_names
        .get(organisation)
        .with_context(|| format!("{name}: no organisation {organisation}"))?;
    let web = slug(organisation_name);
    let attributes = kinds
        .split(',')
        .map(|code| {
            let (code, term, description) = TERMS
                .iter()
                .find(|t| t.0 == code)
                .with_context(|| format!("{name}: no kind of help {code}"))?;
            Ok(json!({
                "id": uuid_for(&format!("attribute:{name}:{code}")),
                "taxonomy_term": {
                    "id": uuid_for(&format!("term:{code}")),
                    "name": term,
                    "description": description,
                    "taxonomy_detail": {
                        "id": uuid_for("taxonomy:coprod"),
                        "name": "coprod community support",
                        "description": "The kinds of help on the Ardnaveen community asset map",
                    },
                },
            }))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let languages: Vec<Value> = languages
        .split_whitespace()
        .map(|code| {
            let language = LANGUAGES.iter().find(|l| l.0 == code).map_or(code, |l| l.1);
            json!({"id": uuid_for(&format!("language:{name}:{code}")), "name": language, "code": code})
        })
        .collect();
    let number = 100 + index;
    let mut document = json!({
        "id": uuid_for(&format!("service:{name}")),
        "name": name,
        "description": about,
        "status": if *name == TEMPORARILY_CLOSED { "temporarily closed" } else { "active" },
        "organization": {
            "id": uuid_for(&format!("organisation:{organisation_name}")),
            "name": organisation_name,
            "description": format!("{organisation_name}, a member of the Ardnaveen partnership."),
            "email": format!("hello@{web}.example"),
            "website": format!("https://{web}.example/"),
        },
        "email": format!("hello@{web}.example"),
        "url": format!("https://{web}.example/"),
        "phones": [{
            "id": uuid_for(&format!("phone:{name}")),
            "number": format!("01632 960{number:03}"),
        }],
        "attributes": attributes,
        "schedules": schedules(name, sessions)?,
        "cost_options": cost_options(name, cost)?,
        "languages": languages,
        "last_modified": "2026-10-01T09:00:00Z",
    });
    // Most listings were checked this autumn; a few are waiting for it.
    if index % 9 != 8 {
        document["assured_date"] = json!(format!("2026-10-{:02}", 1 + index % 28));
    }
    if let Some((min, max)) = ages.split_once('-') {
        if !min.is_empty() {
            document["minimum_age"] = json!(min.parse::<u32>()?);
        }
        if !max.is_empty() {
            document["maximum_age"] = json!(max.parse::<u32>()?);
        }
    }
    if !who.is_empty() {
        document["eligibility_description"] = json!(who);
    }
    if *venue != "-" {
        let place = venues
            .get(venue)
            .with_context(|| format!("{name}: no venue {venue}"))?;
        document["service_at_locations"] = json!([{
            "id": uuid_for(&format!("service_at_location:{name}")),
            "location": place,
        }]);
    }
    Ok((document, organisation))
}

/// Every demo service as HSDS documents, each with the index of the
/// organisation (in `demo::ORGANISATIONS` order) that runs it.
pub fn services(organisation_names: &[String]) -> anyhow::Result<Vec<(Value, usize)>> {
    let coordinates = postcode_coordinates();
    let venues = rows(VENUES)
        .map(|venue| Ok((venue[0], location(&venue, &coordinates)?)))
        .collect::<anyhow::Result<HashMap<_, _>>>()?;
    rows(SERVICES)
        .enumerate()
        .map(|(index, line)| service(index, &line, organisation_names, &venues))
        .collect()
}

/// Imports the demo services and links each directory organisation to the
/// partnership organisation it is. `organisation_ids` follow
/// `demo::ORGANISATIONS` order. Returns how many services there are.
pub async fn seed(db: &Db, organisation_ids: &[i64]) -> anyhow::Result<usize> {
    let known = organisations::list(db).await?;
    let names = organisation_ids
        .iter()
        .map(|id| {
            known
                .iter()
                .find(|o| o.id == *id)
                .map(|o| o.name.clone())
                .with_context(|| format!("no organisation {id}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let services = services(&names)?;
    // Listings with both ages go first: sqlx's Any driver sends a missing
    // number to PostgreSQL as float4, and a statement keeps the parameter
    // types of its first use, so a float8 age after a missing one would be
    // refused.
    let mut documents: Vec<Value> = services.iter().map(|(d, _)| d.clone()).collect();
    documents.sort_by_key(|d| d.get("minimum_age").is_none() || d.get("maximum_age").is_none());
    let count = interchange::import(db, &Value::Array(documents))
        .await
        .context("importing the demo services")?;
    let mut tx = db.pool().begin().await?;
    for (document, organisation) in &services {
        let directory_id = document["organization"]["id"].as_str().unwrap_or_default();
        let partnership_id = organisation_ids[*organisation];
        store::link_directory_organisation(&mut tx, directory_id, partnership_id).await?;
        if *organisation < FIRST_UNCLAIMED_ORGANISATION {
            let service_id = document["id"].as_str().unwrap_or_default();
            store::set_keeper(&mut tx, service_id, partnership_id).await?;
        }
    }
    tx.commit().await?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        (0..30).map(|i| format!("Organisation {i}")).collect()
    }

    #[test]
    fn ids_are_stable_version_4_shaped_uuids() {
        let id = uuid_for("service:Seaview Lunch Club");
        assert_eq!(id, uuid_for("service:Seaview Lunch Club"));
        assert_ne!(id, uuid_for("service:Strathfeorag Lunch Club"));
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn every_demo_service_is_a_valid_fictional_listing() {
        let services = services(&names()).unwrap();
        assert_eq!(services.len(), 60);
        let mut ids = std::collections::HashSet::new();
        for (document, _) in &services {
            let projection = coprod_engine::hsds::project_service(document, "").unwrap();
            assert!(
                ids.insert(projection.id.clone()),
                "{} twice",
                projection.name
            );
            let phone = document["phones"][0]["number"].as_str().unwrap();
            assert!(phone.starts_with("01632 960"), "{phone}");
            assert!(document["email"].as_str().unwrap().ends_with(".example"));
        }
        let all =
            serde_json::to_string(&services.iter().map(|s| &s.0).collect::<Vec<_>>()).unwrap();
        assert!(all.contains("\"SA\""), "a weekend session");
        assert!(
            all.contains("22:00") && all.contains("02:00"),
            "an overnight session"
        );
    }
}
