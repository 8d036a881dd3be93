// Generates a national-scale asset map for scripts/bench-asset-map: HSDS 3.0
// service documents spread over Scotland-like coordinates, and a postcode
// directory for the fictional AV postcode area the locations lie in.
//
// Usage: node scripts/lib/bench-data.mjs --out DIR [--services N]
//            [--locations M] [--chunk C] [--seed S]
//
// Writes DIR/postcodes.csv, DIR/services-NNN.json (C services per file, each
// a JSON list of full service documents) and DIR/manifest.json, which names
// the queries the benchmark asks (search words, the postcode at the centre
// of the densest town, a taxonomy term). The same arguments always give
// the same files.

import { mkdirSync, openSync, writeSync, closeSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function options(argv) {
    const o = { services: 100000, locations: 0, chunk: 10000, seed: 20261123, out: "" };
    for (let i = 0; i < argv.length; i += 2) {
        const key = argv[i].replace(/^--/, "");
        const value = argv[i + 1];
        if (!(key in o) || value === undefined) {
            throw new Error(`unknown or incomplete option ${argv[i]}`);
        }
        o[key] = key === "out" ? value : Number(value);
    }
    if (!o.out) throw new Error("--out DIR is required");
    if (!o.locations) o.locations = Math.max(1, Math.round(o.services / 5));
    return o;
}

const opt = options(process.argv.slice(2));

// mulberry32: small, fast and reproducible.
let state = opt.seed >>> 0;
function random() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const between = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
function gaussian() {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
function uuid() {
    const hex = [];
    for (let i = 0; i < 16; i++) hex.push(Math.floor(random() * 256));
    hex[6] = (hex[6] & 0x0f) | 0x40;
    hex[8] = (hex[8] & 0x3f) | 0x80;
    const h = hex.map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---------------------------------------------------------------------------
// Where people live: fictional towns at Scotland-like coordinates, weighted
// roughly as the real population is, plus a rural share spread over land.
// [name, latitude, longitude, weight, spread in km]
const TOWNS = [
    ["Clydeburgh", 55.861, -4.251, 0.17, 6.0],
    ["Forthhaven", 55.953, -3.189, 0.10, 4.5],
    ["Deebank", 57.149, -2.094, 0.045, 3.5],
    ["Taymouth", 56.462, -2.970, 0.035, 3.0],
    ["Nessford", 57.477, -4.224, 0.02, 2.5],
    ["Carronmuir", 56.002, -3.784, 0.02, 2.5],
    ["Stirlan", 56.117, -3.937, 0.015, 2.0],
    ["Perrin", 56.396, -3.437, 0.015, 2.0],
    ["Dunmore", 56.071, -3.452, 0.02, 2.0],
    ["Kilbrae", 55.611, -4.496, 0.015, 2.0],
    ["Ayrmouth", 55.458, -4.629, 0.015, 2.0],
    ["Lanrig", 55.777, -3.994, 0.02, 2.5],
    ["Levenside", 56.196, -3.003, 0.015, 2.0],
    ["Nithbridge", 55.070, -3.605, 0.01, 1.8],
    ["Lossiemouth Bay", 57.649, -3.318, 0.008, 1.5],
    ["Ardnaveen", 56.415, -5.472, 0.006, 1.2],
    ["Ben Righ", 56.819, -5.105, 0.005, 1.2],
    ["Port Skerray", 57.413, -6.196, 0.003, 1.0],
    ["Steornabhagh", 58.209, -6.387, 0.004, 1.2],
    ["Kirkhavn", 58.981, -2.960, 0.004, 1.2],
    ["Wickmouth", 58.438, -3.093, 0.003, 1.0],
    ["Teviotholm", 55.423, -2.787, 0.006, 1.5],
    ["Galabank", 55.614, -2.807, 0.005, 1.5],
    ["Montrae", 56.708, -2.467, 0.005, 1.5],
    ["Peterhead Ness", 57.505, -1.798, 0.006, 1.5],
];
const RURAL_SHARE = 0.3;
// Rough boxes of mainland land: [min lat, max lat, min lon, max lon].
const LAND = [
    [55.05, 55.9, -5.0, -2.1],
    [55.9, 56.3, -5.4, -2.7],
    [56.3, 57.6, -5.6, -2.1],
    [57.6, 58.55, -5.1, -3.1],
];
const KM_PER_DEGREE = 111.2;

function placeNear(lat, lon, spreadKm) {
    const dLat = (gaussian() * spreadKm) / KM_PER_DEGREE;
    const dLon = (gaussian() * spreadKm) / (KM_PER_DEGREE * Math.cos((lat * Math.PI) / 180));
    return [lat + dLat, lon + dLon];
}

const townWeight = TOWNS.reduce((sum, t) => sum + t[3], 0);
function somewhere() {
    if (random() < RURAL_SHARE) {
        const areas = LAND.map((b) => (b[1] - b[0]) * (b[3] - b[2]));
        let r = random() * areas.reduce((a, b) => a + b, 0);
        let box = LAND[0];
        for (let i = 0; i < LAND.length; i++) {
            if (r < areas[i]) {
                box = LAND[i];
                break;
            }
            r -= areas[i];
        }
        const lat = box[0] + random() * (box[1] - box[0]);
        const lon = box[2] + random() * (box[3] - box[2]);
        return { town: null, lat, lon };
    }
    let r = random() * townWeight;
    for (const t of TOWNS) {
        if (r < t[3]) {
            const [lat, lon] = placeNear(t[1], t[2], t[4]);
            return { town: t, lat, lon };
        }
        r -= t[3];
    }
    const t = TOWNS[0];
    const [lat, lon] = placeNear(t[1], t[2], t[4]);
    return { town: t, lat, lon };
}

// ---------------------------------------------------------------------------
// What people offer: ten taxonomy terms and the activities under each.
const TAXONOMY = {
    id: uuid(),
    name: "coprod community support",
    description: "Kinds of help and activity offered in the community",
};
const TERMS = [
    ["food", "Food and meals", "Meals, food parcels and cooking together"],
    ["exercise", "Exercise and movement", "Walking, dancing and gentle exercise"],
    ["social", "Company and friendship", "Clubs and groups for company"],
    ["mental-health", "Mental health and wellbeing", "Peer support and talking"],
    ["money", "Money and benefits advice", "Help with money, debt and benefits"],
    ["carers", "Support for carers", "Breaks and support for unpaid carers"],
    ["families", "Children and families", "Groups for parents, children and young people"],
    ["learning", "Learning and skills", "Classes, digital skills and volunteering"],
    ["housing", "Home and housing", "Repairs, energy and tenancy help"],
    ["transport", "Getting about", "Community transport and lifts"],
].map(([slug, name, description]) => ({ slug, id: uuid(), name, description }));
const term = Object.fromEntries(TERMS.map((t) => [t.slug, t]));

// [activity name, what happens, terms]
const ACTIVITIES = [
    ["Lunch Club", "a hot two-course lunch and a chat, with transport for those who need it", ["food", "social"]],
    ["Community Cafe", "soup, sandwiches and home baking at a price anyone can afford", ["food", "social"]],
    ["Food Bank", "emergency food parcels and toiletries, with a referral or without", ["food", "money"]],
    ["Community Pantry", "a weekly shop of fresh and tinned food for a small membership fee", ["food", "money"]],
    ["Cooking Class", "learning to cook cheap healthy meals and taking them home", ["food", "learning"]],
    ["Breakfast Club", "a free breakfast for children before school", ["food", "families"]],
    ["Community Garden", "growing vegetables and flowers together on a shared plot", ["food", "exercise"]],
    ["Walking Group", "gentle walks of an hour or so, finishing with tea", ["exercise", "social"]],
    ["Health Walk", "short led walks on level paths for people getting active again", ["exercise"]],
    ["Chair Exercise", "seated exercise to music to keep joints moving and build strength", ["exercise"]],
    ["Tai Chi", "slow flowing movement for balance, calm and fewer falls", ["exercise", "mental-health"]],
    ["Walking Football", "football at walking pace for players of every age and ability", ["exercise", "social"]],
    ["Dance Class", "ceilidh and social dancing, no partner or experience needed", ["exercise", "social"]],
    ["Swimming Session", "quiet swimming sessions with a lifeguard and a warm changing room", ["exercise"]],
    ["Cycling Group", "group rides on quiet roads and cycle paths, bikes available to borrow", ["exercise", "transport"]],
    ["Men's Shed", "a workshop space for woodwork, repairs and conversation", ["social", "mental-health"]],
    ["Knit and Natter", "knitting, crochet and sewing with tea and good company", ["social"]],
    ["Friendship Group", "a weekly afternoon of games, quizzes and conversation", ["social"]],
    ["Befriending Service", "a volunteer who visits or phones every week for a blether", ["social", "mental-health"]],
    ["Community Choir", "singing together for fun, no auditions and no need to read music", ["social", "mental-health"]],
    ["Book Group", "reading and talking about a book each month", ["social", "learning"]],
    ["Bingo Afternoon", "bingo, raffles and a cup of tea", ["social"]],
    ["Dementia Cafe", "a relaxed cafe for people living with dementia and those who care for them", ["social", "carers", "mental-health"]],
    ["Memory Group", "reminiscence, music and activities that help with memory", ["social", "mental-health"]],
    ["Peer Support Group", "people with lived experience of anxiety and depression meeting to support each other", ["mental-health"]],
    ["Bereavement Support", "one-to-one and group support after someone dies", ["mental-health"]],
    ["Recovery Cafe", "a safe alcohol-free space for people in recovery from addiction", ["mental-health", "social"]],
    ["Listening Service", "trained volunteers who listen without judging", ["mental-health"]],
    ["Mindfulness Course", "an eight-week course in mindfulness and managing stress", ["mental-health", "learning"]],
    ["Art Group", "painting and drawing for wellbeing, materials provided", ["mental-health", "learning"]],
    ["Welfare Rights Advice", "help to claim every benefit you are entitled to and to challenge decisions", ["money"]],
    ["Money Advice", "free confidential advice on debt, budgeting and bills", ["money"]],
    ["Energy Advice", "help to cut heating costs and apply for grants and warm home discounts", ["money", "housing"]],
    ["Pension Credit Clinic", "checking whether older people can claim pension credit and filling in the form", ["money"]],
    ["Carers Centre", "information, advice and short breaks for unpaid carers", ["carers"]],
    ["Carers Cafe", "an informal drop-in where carers meet others in the same position", ["carers", "social"]],
    ["Respite Breaks", "short breaks so carers can rest while the person they look after is cared for", ["carers"]],
    ["Young Carers Group", "activities and trips for young people who look after someone at home", ["carers", "families"]],
    ["Parent and Toddler Group", "play, songs and snacks for under-fives and a cuppa for their grown-ups", ["families", "social"]],
    ["Youth Club", "games, sport, trips and a safe place for young people in the evenings", ["families", "social"]],
    ["Homework Club", "help with homework and reading for primary school children", ["families", "learning"]],
    ["Baby Massage", "a short course for parents and babies to bond and relax", ["families"]],
    ["Family Support", "practical and emotional support for families going through a hard time", ["families", "mental-health"]],
    ["Digital Skills Class", "learning to use a phone, tablet or computer, go online safely and video call family", ["learning"]],
    ["English Conversation Class", "practising spoken English in a friendly group for people new to Scotland", ["learning", "social"]],
    ["Adult Literacy", "help with reading, writing and numbers at your own pace", ["learning"]],
    ["Volunteer Centre", "finding volunteering that suits your time and interests", ["learning", "social"]],
    ["Job Club", "help with CVs, applications and interviews", ["learning", "money"]],
    ["Repair Cafe", "volunteers fix broken electricals, clothes and bikes for free", ["housing", "learning"]],
    ["Handyperson Service", "small repairs and adaptations in the home for older and disabled people", ["housing"]],
    ["Tenancy Support", "help to set up and keep a home, deal with landlords and avoid eviction", ["housing", "money"]],
    ["Furniture Reuse", "donated furniture and white goods at low cost for people setting up home", ["housing", "money"]],
    ["Community Transport", "door-to-door minibus trips for people who cannot use buses", ["transport"]],
    ["Volunteer Drivers", "volunteers who drive people to hospital and GP appointments", ["transport"]],
    ["Shopmobility", "borrowing a wheelchair or mobility scooter for a trip into town", ["transport"]],
];

const AUDIENCES = [
    "Everyone is welcome.",
    "For older people living on their own.",
    "For adults of any age.",
    "Open to people with a disability and their families.",
    "For anyone feeling lonely or isolated.",
    "Especially welcoming to people new to the area.",
    "For people aged 50 and over.",
    "Suitable for people with limited mobility.",
];
const WHEN = [
    "Runs every week during term time.",
    "Meets every week, all year round.",
    "Drop in any time during opening hours.",
    "Booking is helpful but not essential.",
    "Places are limited, so please phone first.",
];
const HOW = [
    "Free of charge.",
    "A small donation is welcome but never expected.",
    "Refreshments are provided.",
    "The venue has step-free access and an accessible toilet.",
    "Run entirely by local volunteers.",
    "Referrals are accepted from GPs, link workers and social work, or come along yourself.",
];
const VENUES = [
    "Community Centre", "Parish Church Hall", "Library", "Town Hall", "Scout Hall",
    "Leisure Centre", "Primary School", "Miners' Welfare", "Health Centre", "Village Hall",
    "Family Centre", "Housing Association Office", "Sports Club", "Masonic Hall", "Heritage Centre",
];
const STREETS = [
    "High Street", "Main Street", "Church Road", "Station Road", "Shore Road", "Mill Lane",
    "Burnside", "Victoria Road", "Castle Street", "Kirk Wynd", "Braeside", "Glebe Road",
    "Union Street", "Market Place", "Loch Road", "Park Avenue",
];
const ORG_KINDS = [
    "Community Trust", "Development Trust", "Befriending Network", "Volunteer Group",
    "Community Council", "Wellbeing Hub", "Tenants and Residents Association",
    "Church of Scotland", "Age Concern", "Carers Network", "Youth Project", "Men's Shed Association",
];
const NEIGHBOURHOODS = [
    "North", "South", "East", "West", "Old Town", "Kirkton", "Milton", "Newton", "Burnbank",
    "Hillhead", "Townhead", "Bridgend", "Westfield", "Eastfield", "Southside", "Parkhead",
    "Braehead", "Woodside", "Greenhill", "Muirhouse", "Craigend", "Netherton", "Whitehill",
];

// ---------------------------------------------------------------------------
// Locations, each with a postcode of its own in a district AV1-AV99.
const INWARD_UNITS = "ABDEFGHJLNPQRSTUWXYZ";
const locations = [];
for (let i = 0; i < opt.locations; i++) {
    locations.push(somewhere());
}
// The busiest town's centre takes AV1; the other districts go to points
// drawn from the same spread, so dense places get small districts.
const districtCentres = [[TOWNS[0][1], TOWNS[0][2]]];
while (districtCentres.length < 99) {
    const p = locations.length ? pick(locations) : somewhere();
    districtCentres.push([p.lat, p.lon]);
}
function nearestDistrict(lat, lon) {
    let best = 0;
    let bestD = Infinity;
    const c = Math.cos((lat * Math.PI) / 180);
    for (let d = 0; d < districtCentres.length; d++) {
        const dy = districtCentres[d][0] - lat;
        const dx = (districtCentres[d][1] - lon) * c;
        const dist = dy * dy + dx * dx;
        if (dist < bestD) {
            bestD = dist;
            best = d;
        }
    }
    return best;
}
const usedUnits = new Array(99).fill(0);
const postcodeRows = [];
// The benchmark's postcode is the busiest town's centre, AV1 0AA; it is
// reserved here so no venue is given it.
const centrePostcode = "AV1 0AA";
postcodeRows.push(`${centrePostcode},${TOWNS[0][1].toFixed(5)},${TOWNS[0][2].toFixed(5)}`);
usedUnits[0] = 1;
function newPostcode(district, lat, lon) {
    const n = usedUnits[district]++;
    const perSector = INWARD_UNITS.length * INWARD_UNITS.length;
    const sector = Math.floor(n / perSector) % 10;
    const u = n % perSector;
    const unit = INWARD_UNITS[Math.floor(u / INWARD_UNITS.length)] + INWARD_UNITS[u % INWARD_UNITS.length];
    if (n >= perSector * 10) return null;
    const postcode = `AV${district + 1} ${sector}${unit}`;
    postcodeRows.push(`${postcode},${lat.toFixed(5)},${lon.toFixed(5)}`);
    return postcode;
}
for (const loc of locations) {
    let district = nearestDistrict(loc.lat, loc.lon);
    let postcode = newPostcode(district, loc.lat, loc.lon);
    for (let d = 0; postcode === null && d < 99; d++) postcode = newPostcode(d, loc.lat, loc.lon);
    if (postcode === null) throw new Error("ran out of postcodes: too many locations");
    const hood = pick(NEIGHBOURHOODS);
    const townName = loc.town ? loc.town[0] : `${pick(["Glen", "Strath", "Kil", "Inver", "Auchen", "Bal"])}${pick(["more", "lochy", "brannan", "garry", "tarbert", "dearg"])}`;
    loc.id = uuid();
    loc.postcode = postcode;
    loc.town = townName;
    loc.name = `${loc.town === hood ? "" : `${hood} `}${pick(VENUES)}`;
    loc.address = {
        id: uuid(),
        address_1: `${between(1, 180)} ${pick(STREETS)}`,
        city: townName,
        region: "",
        state_province: "Scotland",
        postal_code: postcode,
        country: "GB",
        address_type: "physical",
    };
}
// A few extra postcodes with no venue, as a real directory has.
for (let d = 0; d < 99 && locations.length; d++) {
    for (let k = 0; k < 20; k++) {
        const [lat, lon] = placeNear(districtCentres[d][0], districtCentres[d][1], 0.8);
        newPostcode(d, lat, lon);
    }
}
mkdirSync(opt.out, { recursive: true });
writeFileSync(join(opt.out, "postcodes.csv"), `postcode,latitude,longitude\n${postcodeRows.join("\n")}\n`);

// ---------------------------------------------------------------------------
// Organisations and services.
const organizations = [];
const orgCount = Math.max(1, Math.round(opt.services / 12));
for (let i = 0; i < orgCount; i++) {
    const loc = locations.length ? pick(locations) : { town: "Clydeburgh" };
    organizations.push({
        id: uuid(),
        name: `${pick([loc.town, pick(NEIGHBOURHOODS)])} ${pick(ORG_KINDS)} ${i + 1}`,
        description: `A local charity working in and around ${loc.town}.`,
        email: `hello${i + 1}@example.org`,
        website: `https://example.org/${i + 1}`,
    });
}

// Each location hosts about services/locations services: service i goes to
// a shuffled location so neighbours in a file are spread out.
const order = Array.from({ length: opt.services }, (_, i) => i % locations.length);
for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
}

const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const TIMES = [["09:30", "11:30"], ["10:00", "12:00"], ["12:00", "14:00"], ["13:30", "15:30"], ["18:00", "20:00"], ["19:00", "21:00"]];
const activityCounts = new Map();

function service(n) {
    const loc = locations[order[n]];
    const [activity, what, terms] = pick(ACTIVITIES);
    activityCounts.set(activity, (activityCounts.get(activity) || 0) + 1);
    const org = pick(organizations);
    const id = uuid();
    const name = `${pick([loc.town, loc.name.split(" ")[0], pick(NEIGHBOURHOODS)])} ${activity}`;
    const description = `${activity} at ${loc.name}, ${loc.town}: ${what}. ${pick(AUDIENCES)} ${pick(WHEN)} ${pick(HOW)}`;
    const [opens, closes] = pick(TIMES);
    const free = random() < 0.6;
    const doc = {
        id,
        name,
        description,
        url: `https://example.org/services/${n + 1}`,
        email: `service${n + 1}@example.org`,
        status: random() < 0.97 ? "active" : "temporarily closed",
        organization: org,
        last_modified: `2026-${String(between(1, 11)).padStart(2, "0")}-${String(between(1, 28)).padStart(2, "0")}T09:00:00Z`,
        phones: [{ id: uuid(), number: `0${between(1200, 1999)} ${between(100000, 999999)}`, type: "voice" }],
        schedules: [{ id: uuid(), freq: "WEEKLY", byday: pick(DAYS), opens_at: opens, closes_at: closes, description: `Every week, ${opens} to ${closes}` }],
        cost_options: [{ id: uuid(), amount: free ? 0 : between(1, 6), currency: "GBP", option: free ? "Free" : "Per session" }],
        attributes: terms.map((slug) => {
            const t = term[slug];
            return {
                id: uuid(),
                taxonomy_term_id: t.id,
                taxonomy_term: {
                    id: t.id,
                    name: t.name,
                    description: t.description,
                    taxonomy_detail: TAXONOMY,
                },
            };
        }),
        service_at_locations: [
            {
                id: uuid(),
                description: `${activity} at ${loc.name}`,
                location: {
                    id: loc.id,
                    location_type: "physical",
                    name: `${loc.name}, ${loc.town}`,
                    latitude: Number(loc.lat.toFixed(6)),
                    longitude: Number(loc.lon.toFixed(6)),
                    addresses: [loc.address],
                },
            },
        ],
    };
    if (random() < 0.3) {
        doc.minimum_age = pick([16, 18, 50, 60, 65]);
    } else if (n % opt.chunk === 0) {
        // Each file starts with an age. sqlx 0.8 binds a missing f64 as a
        // PostgreSQL float4 NULL, and the statement prepared on first use
        // then refuses a later float8 value ("incorrect binary data
        // format"), so an import whose first service has no minimum_age
        // fails on PostgreSQL in builds without db::BindReal.
        doc.minimum_age = 16;
    }
    return doc;
}

const files = [];
for (let start = 0, part = 1; start < opt.services; start += opt.chunk, part++) {
    const file = join(opt.out, `services-${String(part).padStart(3, "0")}.json`);
    const fd = openSync(file, "w");
    writeSync(fd, "[\n");
    const end = Math.min(opt.services, start + opt.chunk);
    for (let n = start; n < end; n++) {
        writeSync(fd, JSON.stringify(service(n)) + (n + 1 < end ? ",\n" : "\n"));
    }
    writeSync(fd, "]\n");
    closeSync(fd);
    files.push(file);
}

const manifest = {
    services: opt.services,
    locations: locations.length,
    postcodes: postcodeRows.length,
    organizations: organizations.length,
    terms: TERMS.length,
    seed: opt.seed,
    files,
    postcode_file: join(opt.out, "postcodes.csv"),
    // A common two-word search, the centre of the largest town, and the
    // term the combined search narrows by.
    search: "lunch club",
    combined_search: "lunch",
    postcode: centrePostcode,
    taxonomy_term_id: term.food.id,
    taxonomy_term_name: term.food.name,
    lunch_clubs: activityCounts.get("Lunch Club") || 0,
};
writeFileSync(join(opt.out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(JSON.stringify({ services: manifest.services, locations: manifest.locations, postcodes: manifest.postcodes, files: files.length }));
