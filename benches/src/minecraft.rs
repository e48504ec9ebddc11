//! The `minecraft_savedata` dataset: 500 player records with enums, optionals, nested
//! structs, and vectors of strings and items (the Rust serialization benchmark's shape).
//!
//! FIDL has no tuples and no optional scalars, so positions are arrays, the optional
//! `(f64, f64, f64)` is an optional struct, and the optional `bool` is an optional
//! one-member struct ([`SpawnForced`]); every library encodes these same Rust types
//! (capnp, flatbuffers and prost use their own idiomatic optional forms).

use std::hint::black_box;
use std::rc::Rc;

use flatbuffers::{FlatBufferBuilder, WIPOffset};
use handoff::Fidl;

use crate::Suite;
use crate::harness::{Case, DECODE, DECODE_READ, ENCODE};
use crate::minecraft_generated::minecraft_fb as fb;
use crate::minecraft_prost as pb;
use crate::minecraft_savedata_capnp as cp;
use crate::peers::{self, CAPNP, FLATBUFFERS};
use crate::rng::Rng;

/// The number of players of the standard dataset.
pub const PLAYERS: usize = 500;

macro_rules! data_type {
    ($(#[$m:meta])* pub $kind:ident $name:ident $body:tt) => {
        #[derive(
            Clone,
            Debug,
            PartialEq,
            Fidl,
            rkyv::Archive,
            rkyv::Serialize,
            rkyv::Deserialize,
            bincode::Encode,
            bincode::Decode,
            serde::Serialize,
            serde::Deserialize,
        )]
        $(#[$m])*
        pub $kind $name $body
    };
}

data_type! {
    /// The game mode.
    #[derive(Copy)]
    #[fidl(strict, repr = u8)]
    #[repr(u8)]
    pub enum GameType {
        /// Survival.
        Survival = 0,
        /// Creative.
        Creative = 1,
        /// Adventure.
        Adventure = 2,
        /// Spectator.
        Spectator = 3,
    }
}

data_type! {
    /// An inventory item.
    pub struct Item {
        /// How many.
        pub count: i8,
        /// Where.
        pub slot: u8,
        /// What.
        pub id: String,
    }
}

data_type! {
    /// What the player may do.
    #[derive(Copy)]
    pub struct Abilities {
        /// Walking speed.
        pub walk_speed: f32,
        /// Flying speed.
        pub fly_speed: f32,
        /// May fly.
        pub may_fly: bool,
        /// Is flying.
        pub flying: bool,
        /// Cannot be hurt.
        pub invulnerable: bool,
        /// May build.
        pub may_build: bool,
        /// Builds instantly.
        pub instabuild: bool,
    }
}

data_type! {
    /// A position.
    #[derive(Copy)]
    pub struct Vec3d {
        /// X.
        pub x: f64,
        /// Y.
        pub y: f64,
        /// Z.
        pub z: f64,
    }
}

data_type! {
    /// An optional `bool` (FIDL boxes structs, not scalars).
    #[derive(Copy)]
    pub struct SpawnForced {
        /// The value.
        pub forced: bool,
    }
}

data_type! {
    /// A creature.
    pub struct Entity {
        /// Its kind.
        pub id: String,
        /// Where.
        pub pos: [f64; 3],
        /// Its velocity.
        pub motion: [f64; 3],
        /// Yaw and pitch.
        pub rotation: [f32; 2],
        /// How far it fell.
        pub fall_distance: f32,
        /// Fire ticks.
        pub fire: u16,
        /// Air ticks.
        pub air: u16,
        /// On the ground.
        pub on_ground: bool,
        /// Ignores gravity.
        pub no_gravity: bool,
        /// Cannot be hurt.
        pub invulnerable: bool,
        /// Portal cooldown ticks.
        pub portal_cooldown: i32,
        /// Its id.
        pub uuid: [u32; 4],
        /// Its name tag.
        pub custom_name: Option<String>,
        /// Whether the name shows.
        pub custom_name_visible: bool,
        /// Makes no sound.
        pub silent: bool,
        /// Glows.
        pub glowing: bool,
    }
}

data_type! {
    /// What the player rides.
    pub struct Vehicle {
        /// The vehicle's id.
        pub uuid: [u32; 4],
        /// The vehicle.
        pub entity: Entity,
    }
}

data_type! {
    /// Known recipes and the recipe book's settings.
    pub struct RecipeBook {
        /// Known recipes.
        pub recipes: Vec<String>,
        /// Recipes to show.
        pub to_be_displayed: Vec<String>,
        /// Setting.
        pub is_filtering_craftable: bool,
        /// Setting.
        pub is_gui_open: bool,
        /// Setting.
        pub is_furnace_filtering_craftable: bool,
        /// Setting.
        pub is_furnace_gui_open: bool,
        /// Setting.
        pub is_blasting_furnace_filtering_craftable: bool,
        /// Setting.
        pub is_blasting_furnace_gui_open: bool,
        /// Setting.
        pub is_smoker_filtering_craftable: bool,
        /// Setting.
        pub is_smoker_gui_open: bool,
    }
}

data_type! {
    /// One player's saved state.
    pub struct Player {
        /// Mode.
        pub game_type: GameType,
        /// Mode before.
        pub previous_game_type: GameType,
        /// Score.
        pub score: i64,
        /// Dimension.
        pub dimension: String,
        /// Selected slot.
        pub selected_item_slot: u32,
        /// Selected item.
        pub selected_item: Item,
        /// Spawn dimension.
        pub spawn_dimension: Option<String>,
        /// Spawn X.
        pub spawn_x: i64,
        /// Spawn Y.
        pub spawn_y: i64,
        /// Spawn Z.
        pub spawn_z: i64,
        /// Whether the spawn is forced.
        pub spawn_forced: Option<SpawnForced>,
        /// Sleep timer.
        pub sleep_timer: u16,
        /// Food.
        pub food_exhaustion_level: f32,
        /// Food.
        pub food_saturation_level: f32,
        /// Food.
        pub food_tick_timer: u32,
        /// Experience.
        pub xp_level: u32,
        /// Experience.
        pub xp_p: f32,
        /// Experience.
        pub xp_total: i32,
        /// Experience.
        pub xp_seed: i32,
        /// Inventory.
        pub inventory: Vec<Item>,
        /// Ender chest.
        pub ender_items: Vec<Item>,
        /// Abilities.
        pub abilities: Abilities,
        /// Where the player entered the nether.
        pub entered_nether_position: Option<Vec3d>,
        /// What the player rides.
        pub root_vehicle: Option<Vehicle>,
        /// Parrot on the left shoulder.
        pub shoulder_entity_left: Option<Entity>,
        /// Parrot on the right shoulder.
        pub shoulder_entity_right: Option<Entity>,
        /// Saw the credits.
        pub seen_credits: bool,
        /// Recipe book.
        pub recipe_book: RecipeBook,
    }
}

data_type! {
    /// The message: all players.
    pub struct Players {
        /// The players.
        pub players: Vec<Player>,
    }
}

fn gen_item(rng: &mut Rng) -> Item {
    const IDS: [&str; 8] = [
        "dirt",
        "stone",
        "pickaxe",
        "sand",
        "gravel",
        "shovel",
        "chestplate",
        "steak",
    ];
    Item {
        count: rng.next_u64() as i8,
        slot: rng.next_u64() as u8,
        id: rng.pick(&IDS).into(),
    }
}

fn gen_entity(rng: &mut Rng) -> Entity {
    const IDS: [&str; 8] = [
        "cow", "sheep", "zombie", "skeleton", "spider", "creeper", "parrot", "bee",
    ];
    const NAMES: [&str; 8] = [
        "rainbow", "princess", "steve", "johnny", "missy", "coward", "fairy", "howard",
    ];
    Entity {
        id: rng.pick(&IDS).into(),
        pos: [rng.f64(), rng.f64(), rng.f64()],
        motion: [rng.f64(), rng.f64(), rng.f64()],
        rotation: [rng.f32(), rng.f32()],
        fall_distance: rng.f32(),
        fire: rng.next_u64() as u16,
        air: rng.next_u64() as u16,
        on_ground: rng.bool(),
        no_gravity: rng.bool(),
        invulnerable: rng.bool(),
        portal_cooldown: rng.next_u64() as i32,
        uuid: [
            rng.next_u64() as u32,
            rng.next_u64() as u32,
            rng.next_u64() as u32,
            rng.next_u64() as u32,
        ],
        custom_name: rng.bool().then(|| rng.pick(&NAMES).into()),
        custom_name_visible: rng.bool(),
        silent: rng.bool(),
        glowing: rng.bool(),
    }
}

fn gen_player(rng: &mut Rng) -> Player {
    const DIMENSIONS: [&str; 3] = ["overworld", "nether", "end"];
    const RECIPES: [&str; 8] = [
        "pickaxe",
        "torch",
        "bow",
        "crafting table",
        "furnace",
        "shears",
        "arrow",
        "tnt",
    ];
    let game_type = |rng: &mut Rng| match rng.below(4) {
        0 => GameType::Survival,
        1 => GameType::Creative,
        2 => GameType::Adventure,
        _ => GameType::Spectator,
    };
    let strings = |rng: &mut Rng, max: u64| -> Vec<String> {
        (0..rng.below(max))
            .map(|_| rng.pick(&RECIPES).to_string())
            .collect()
    };
    Player {
        game_type: game_type(rng),
        previous_game_type: game_type(rng),
        score: rng.next_u64() as i64,
        dimension: rng.pick(&DIMENSIONS).into(),
        selected_item_slot: rng.next_u64() as u32,
        selected_item: gen_item(rng),
        spawn_dimension: rng.bool().then(|| rng.pick(&DIMENSIONS).into()),
        spawn_x: rng.next_u64() as i64,
        spawn_y: rng.next_u64() as i64,
        spawn_z: rng.next_u64() as i64,
        spawn_forced: rng.bool().then(|| SpawnForced { forced: rng.bool() }),
        sleep_timer: rng.next_u64() as u16,
        food_exhaustion_level: rng.f32(),
        food_saturation_level: rng.f32(),
        food_tick_timer: rng.next_u64() as u32,
        xp_level: rng.next_u64() as u32,
        xp_p: rng.f32(),
        xp_total: rng.next_u64() as i32,
        xp_seed: rng.next_u64() as i32,
        inventory: (0..rng.below(40)).map(|_| gen_item(rng)).collect(),
        ender_items: (0..rng.below(27)).map(|_| gen_item(rng)).collect(),
        abilities: Abilities {
            walk_speed: rng.f32(),
            fly_speed: rng.f32(),
            may_fly: rng.bool(),
            flying: rng.bool(),
            invulnerable: rng.bool(),
            may_build: rng.bool(),
            instabuild: rng.bool(),
        },
        entered_nether_position: rng.bool().then(|| Vec3d {
            x: rng.f64(),
            y: rng.f64(),
            z: rng.f64(),
        }),
        root_vehicle: rng.bool().then(|| Vehicle {
            uuid: [
                rng.next_u64() as u32,
                rng.next_u64() as u32,
                rng.next_u64() as u32,
                rng.next_u64() as u32,
            ],
            entity: gen_entity(rng),
        }),
        shoulder_entity_left: rng.bool().then(|| gen_entity(rng)),
        shoulder_entity_right: rng.bool().then(|| gen_entity(rng)),
        seen_credits: rng.bool(),
        recipe_book: RecipeBook {
            recipes: strings(rng, 30),
            to_be_displayed: strings(rng, 10),
            is_filtering_craftable: rng.bool(),
            is_gui_open: rng.bool(),
            is_furnace_filtering_craftable: rng.bool(),
            is_furnace_gui_open: rng.bool(),
            is_blasting_furnace_filtering_craftable: rng.bool(),
            is_blasting_furnace_gui_open: rng.bool(),
            is_smoker_filtering_craftable: rng.bool(),
            is_smoker_gui_open: rng.bool(),
        },
    }
}

/// Generates `n` players from a fixed seed.
pub fn generate(n: usize) -> Players {
    let mut rng = Rng::new(0x3141_5926);
    Players {
        players: (0..n).map(|_| gen_player(&mut rng)).collect(),
    }
}

/// Every string byte of the dataset, concatenated (the UTF-8 baseline's input).
pub fn string_bytes(v: &Players) -> Vec<u8> {
    let mut out = Vec::new();
    let entity = |out: &mut Vec<u8>, e: &Entity| {
        out.extend_from_slice(e.id.as_bytes());
        if let Some(n) = &e.custom_name {
            out.extend_from_slice(n.as_bytes());
        }
    };
    for p in &v.players {
        out.extend_from_slice(p.dimension.as_bytes());
        out.extend_from_slice(p.selected_item.id.as_bytes());
        if let Some(d) = &p.spawn_dimension {
            out.extend_from_slice(d.as_bytes());
        }
        for i in p.inventory.iter().chain(&p.ender_items) {
            out.extend_from_slice(i.id.as_bytes());
        }
        if let Some(v) = &p.root_vehicle {
            entity(&mut out, &v.entity);
        }
        for e in [&p.shoulder_entity_left, &p.shoulder_entity_right]
            .into_iter()
            .flatten()
        {
            entity(&mut out, e);
        }
        for r in p
            .recipe_book
            .recipes
            .iter()
            .chain(&p.recipe_book.to_be_displayed)
        {
            out.extend_from_slice(r.as_bytes());
        }
    }
    out
}

/// A checksum accumulator: every read value goes through [`Acc::add`].
#[derive(Default)]
struct Acc(u64);

impl Acc {
    #[inline]
    fn add(&mut self, x: u64) {
        self.0 = self.0.wrapping_add(x);
    }
    #[inline]
    fn f32(&mut self, x: f32) {
        self.add(u64::from(x.to_bits()));
    }
    #[inline]
    fn f64(&mut self, x: f64) {
        self.add(x.to_bits());
    }
    #[inline]
    fn bool(&mut self, x: bool) {
        self.add(u64::from(x));
    }
    #[inline]
    fn str(&mut self, s: &str) {
        self.add(s.len() as u64);
    }
}

// ---------------------------------------------------------------------------------------
// Ours' view and the natural value.

fn view_item(a: &mut Acc, i: ItemView<'_>) {
    a.add(i.count() as u64);
    a.add(u64::from(i.slot()));
    a.str(i.id());
}

fn view_entity(a: &mut Acc, e: EntityView<'_>) {
    a.str(e.id());
    for x in e.pos().iter().chain(e.motion().iter()) {
        a.f64(x);
    }
    for x in e.rotation().iter() {
        a.f32(x);
    }
    a.f32(e.fall_distance());
    a.add(u64::from(e.fire()));
    a.add(u64::from(e.air()));
    a.bool(e.on_ground());
    a.bool(e.no_gravity());
    a.bool(e.invulnerable());
    a.add(e.portal_cooldown() as u64);
    for x in e.uuid().iter() {
        a.add(u64::from(x));
    }
    if let Some(n) = e.custom_name() {
        a.str(n);
    }
    a.bool(e.custom_name_visible());
    a.bool(e.silent());
    a.bool(e.glowing());
}

/// The read pass over ours' view: every scalar, every string's length, every optional.
pub fn read_view(v: PlayersView<'_>) -> u64 {
    let mut a = Acc::default();
    for p in v.players() {
        a.add(u64::from(p.game_type() as u8));
        a.add(u64::from(p.previous_game_type() as u8));
        a.add(p.score() as u64);
        a.str(p.dimension());
        a.add(u64::from(p.selected_item_slot()));
        view_item(&mut a, p.selected_item());
        if let Some(d) = p.spawn_dimension() {
            a.str(d);
        }
        a.add(p.spawn_x() as u64);
        a.add(p.spawn_y() as u64);
        a.add(p.spawn_z() as u64);
        if let Some(f) = p.spawn_forced() {
            a.bool(f.forced());
        }
        a.add(u64::from(p.sleep_timer()));
        a.f32(p.food_exhaustion_level());
        a.f32(p.food_saturation_level());
        a.add(u64::from(p.food_tick_timer()));
        a.add(u64::from(p.xp_level()));
        a.f32(p.xp_p());
        a.add(p.xp_total() as u64);
        a.add(p.xp_seed() as u64);
        for i in p.inventory().iter().chain(p.ender_items().iter()) {
            view_item(&mut a, i);
        }
        let ab = p.abilities();
        a.f32(ab.walk_speed());
        a.f32(ab.fly_speed());
        a.bool(ab.may_fly());
        a.bool(ab.flying());
        a.bool(ab.invulnerable());
        a.bool(ab.may_build());
        a.bool(ab.instabuild());
        if let Some(n) = p.entered_nether_position() {
            a.f64(n.x());
            a.f64(n.y());
            a.f64(n.z());
        }
        if let Some(v) = p.root_vehicle() {
            for x in v.uuid().iter() {
                a.add(u64::from(x));
            }
            view_entity(&mut a, v.entity());
        }
        for e in [p.shoulder_entity_left(), p.shoulder_entity_right()]
            .into_iter()
            .flatten()
        {
            view_entity(&mut a, e);
        }
        a.bool(p.seen_credits());
        let r = p.recipe_book();
        for s in r.recipes().iter().chain(r.to_be_displayed().iter()) {
            a.str(s);
        }
        a.bool(r.is_filtering_craftable());
        a.bool(r.is_gui_open());
        a.bool(r.is_furnace_filtering_craftable());
        a.bool(r.is_furnace_gui_open());
        a.bool(r.is_blasting_furnace_filtering_craftable());
        a.bool(r.is_blasting_furnace_gui_open());
        a.bool(r.is_smoker_filtering_craftable());
        a.bool(r.is_smoker_gui_open());
    }
    a.0
}

fn nat_item(a: &mut Acc, i: &Item) {
    a.add(i.count as u64);
    a.add(u64::from(i.slot));
    a.str(&i.id);
}

fn nat_entity(a: &mut Acc, e: &Entity) {
    a.str(&e.id);
    for &x in e.pos.iter().chain(&e.motion) {
        a.f64(x);
    }
    for &x in &e.rotation {
        a.f32(x);
    }
    a.f32(e.fall_distance);
    a.add(u64::from(e.fire));
    a.add(u64::from(e.air));
    a.bool(e.on_ground);
    a.bool(e.no_gravity);
    a.bool(e.invulnerable);
    a.add(e.portal_cooldown as u64);
    for &x in &e.uuid {
        a.add(u64::from(x));
    }
    if let Some(n) = &e.custom_name {
        a.str(n);
    }
    a.bool(e.custom_name_visible);
    a.bool(e.silent);
    a.bool(e.glowing);
}

/// The read pass over the natural value (bincode, postcard).
pub fn read_natural(v: &Players) -> u64 {
    let mut a = Acc::default();
    for p in &v.players {
        a.add(u64::from(p.game_type as u8));
        a.add(u64::from(p.previous_game_type as u8));
        a.add(p.score as u64);
        a.str(&p.dimension);
        a.add(u64::from(p.selected_item_slot));
        nat_item(&mut a, &p.selected_item);
        if let Some(d) = &p.spawn_dimension {
            a.str(d);
        }
        a.add(p.spawn_x as u64);
        a.add(p.spawn_y as u64);
        a.add(p.spawn_z as u64);
        if let Some(f) = p.spawn_forced {
            a.bool(f.forced);
        }
        a.add(u64::from(p.sleep_timer));
        a.f32(p.food_exhaustion_level);
        a.f32(p.food_saturation_level);
        a.add(u64::from(p.food_tick_timer));
        a.add(u64::from(p.xp_level));
        a.f32(p.xp_p);
        a.add(p.xp_total as u64);
        a.add(p.xp_seed as u64);
        for i in p.inventory.iter().chain(&p.ender_items) {
            nat_item(&mut a, i);
        }
        let ab = &p.abilities;
        a.f32(ab.walk_speed);
        a.f32(ab.fly_speed);
        a.bool(ab.may_fly);
        a.bool(ab.flying);
        a.bool(ab.invulnerable);
        a.bool(ab.may_build);
        a.bool(ab.instabuild);
        if let Some(n) = &p.entered_nether_position {
            a.f64(n.x);
            a.f64(n.y);
            a.f64(n.z);
        }
        if let Some(v) = &p.root_vehicle {
            for &x in &v.uuid {
                a.add(u64::from(x));
            }
            nat_entity(&mut a, &v.entity);
        }
        for e in [&p.shoulder_entity_left, &p.shoulder_entity_right]
            .into_iter()
            .flatten()
        {
            nat_entity(&mut a, e);
        }
        a.bool(p.seen_credits);
        let r = &p.recipe_book;
        for s in r.recipes.iter().chain(&r.to_be_displayed) {
            a.str(s);
        }
        a.bool(r.is_filtering_craftable);
        a.bool(r.is_gui_open);
        a.bool(r.is_furnace_filtering_craftable);
        a.bool(r.is_furnace_gui_open);
        a.bool(r.is_blasting_furnace_filtering_craftable);
        a.bool(r.is_blasting_furnace_gui_open);
        a.bool(r.is_smoker_filtering_craftable);
        a.bool(r.is_smoker_gui_open);
    }
    a.0
}

// ---------------------------------------------------------------------------------------
// rkyv

fn rkyv_item(a: &mut Acc, i: &ArchivedItem) {
    a.add(i.count as u64);
    a.add(u64::from(i.slot));
    a.str(&i.id);
}

fn rkyv_entity(a: &mut Acc, e: &ArchivedEntity) {
    a.str(&e.id);
    for x in e.pos.iter().chain(e.motion.iter()) {
        a.f64(x.to_native());
    }
    for x in e.rotation.iter() {
        a.f32(x.to_native());
    }
    a.f32(e.fall_distance.to_native());
    a.add(u64::from(e.fire.to_native()));
    a.add(u64::from(e.air.to_native()));
    a.bool(e.on_ground);
    a.bool(e.no_gravity);
    a.bool(e.invulnerable);
    a.add(e.portal_cooldown.to_native() as u64);
    for x in e.uuid.iter() {
        a.add(u64::from(x.to_native()));
    }
    if let Some(n) = e.custom_name.as_ref() {
        a.str(n);
    }
    a.bool(e.custom_name_visible);
    a.bool(e.silent);
    a.bool(e.glowing);
}

fn rkyv_game_type(g: &ArchivedGameType) -> u64 {
    match g {
        ArchivedGameType::Survival => 0,
        ArchivedGameType::Creative => 1,
        ArchivedGameType::Adventure => 2,
        ArchivedGameType::Spectator => 3,
    }
}

/// The read pass over rkyv's archive.
pub fn read_rkyv(v: &ArchivedPlayers) -> u64 {
    let mut a = Acc::default();
    for p in v.players.iter() {
        a.add(rkyv_game_type(&p.game_type));
        a.add(rkyv_game_type(&p.previous_game_type));
        a.add(p.score.to_native() as u64);
        a.str(&p.dimension);
        a.add(u64::from(p.selected_item_slot.to_native()));
        rkyv_item(&mut a, &p.selected_item);
        if let Some(d) = p.spawn_dimension.as_ref() {
            a.str(d);
        }
        a.add(p.spawn_x.to_native() as u64);
        a.add(p.spawn_y.to_native() as u64);
        a.add(p.spawn_z.to_native() as u64);
        if let Some(f) = p.spawn_forced.as_ref() {
            a.bool(f.forced);
        }
        a.add(u64::from(p.sleep_timer.to_native()));
        a.f32(p.food_exhaustion_level.to_native());
        a.f32(p.food_saturation_level.to_native());
        a.add(u64::from(p.food_tick_timer.to_native()));
        a.add(u64::from(p.xp_level.to_native()));
        a.f32(p.xp_p.to_native());
        a.add(p.xp_total.to_native() as u64);
        a.add(p.xp_seed.to_native() as u64);
        for i in p.inventory.iter().chain(p.ender_items.iter()) {
            rkyv_item(&mut a, i);
        }
        let ab = &p.abilities;
        a.f32(ab.walk_speed.to_native());
        a.f32(ab.fly_speed.to_native());
        a.bool(ab.may_fly);
        a.bool(ab.flying);
        a.bool(ab.invulnerable);
        a.bool(ab.may_build);
        a.bool(ab.instabuild);
        if let Some(n) = p.entered_nether_position.as_ref() {
            a.f64(n.x.to_native());
            a.f64(n.y.to_native());
            a.f64(n.z.to_native());
        }
        if let Some(v) = p.root_vehicle.as_ref() {
            for x in v.uuid.iter() {
                a.add(u64::from(x.to_native()));
            }
            rkyv_entity(&mut a, &v.entity);
        }
        for e in [
            p.shoulder_entity_left.as_ref(),
            p.shoulder_entity_right.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            rkyv_entity(&mut a, e);
        }
        a.bool(p.seen_credits);
        let r = &p.recipe_book;
        for s in r.recipes.iter().chain(r.to_be_displayed.iter()) {
            a.str(s);
        }
        a.bool(r.is_filtering_craftable);
        a.bool(r.is_gui_open);
        a.bool(r.is_furnace_filtering_craftable);
        a.bool(r.is_furnace_gui_open);
        a.bool(r.is_blasting_furnace_filtering_craftable);
        a.bool(r.is_blasting_furnace_gui_open);
        a.bool(r.is_smoker_filtering_craftable);
        a.bool(r.is_smoker_gui_open);
    }
    a.0
}

// ---------------------------------------------------------------------------------------
// prost

fn pb_item(i: &Item) -> pb::Item {
    pb::Item {
        count: i.count.into(),
        slot: i.slot.into(),
        id: i.id.clone(),
    }
}

fn pb_uuid(u: &[u32; 4]) -> Option<pb::Uuid> {
    Some(pb::Uuid {
        x0: u[0],
        x1: u[1],
        x2: u[2],
        x3: u[3],
    })
}

fn pb_entity(e: &Entity) -> pb::Entity {
    let v3 = |p: &[f64; 3]| {
        Some(pb::Vec3d {
            x: p[0],
            y: p[1],
            z: p[2],
        })
    };
    pb::Entity {
        id: e.id.clone(),
        pos: v3(&e.pos),
        motion: v3(&e.motion),
        rotation: Some(pb::Vec2f {
            x: e.rotation[0],
            y: e.rotation[1],
        }),
        fall_distance: e.fall_distance,
        fire: e.fire.into(),
        air: e.air.into(),
        on_ground: e.on_ground,
        no_gravity: e.no_gravity,
        invulnerable: e.invulnerable,
        portal_cooldown: e.portal_cooldown,
        uuid: pb_uuid(&e.uuid),
        custom_name: e.custom_name.clone(),
        custom_name_visible: e.custom_name_visible,
        silent: e.silent,
        glowing: e.glowing,
    }
}

fn pb_game_type(g: GameType) -> i32 {
    g as i32
}

/// The prost form of the dataset.
pub fn to_prost(v: &Players) -> pb::Players {
    pb::Players {
        players: v
            .players
            .iter()
            .map(|p| pb::Player {
                game_type: pb_game_type(p.game_type),
                previous_game_type: pb_game_type(p.previous_game_type),
                score: p.score,
                dimension: p.dimension.clone(),
                selected_item_slot: p.selected_item_slot,
                selected_item: Some(pb_item(&p.selected_item)),
                spawn_dimension: p.spawn_dimension.clone(),
                spawn_x: p.spawn_x,
                spawn_y: p.spawn_y,
                spawn_z: p.spawn_z,
                spawn_forced: p.spawn_forced.map(|f| f.forced),
                sleep_timer: p.sleep_timer.into(),
                food_exhaustion_level: p.food_exhaustion_level,
                food_saturation_level: p.food_saturation_level,
                food_tick_timer: p.food_tick_timer,
                xp_level: p.xp_level,
                xp_p: p.xp_p,
                xp_total: p.xp_total,
                xp_seed: p.xp_seed,
                inventory: p.inventory.iter().map(pb_item).collect(),
                ender_items: p.ender_items.iter().map(pb_item).collect(),
                abilities: Some(pb::Abilities {
                    walk_speed: p.abilities.walk_speed,
                    fly_speed: p.abilities.fly_speed,
                    may_fly: p.abilities.may_fly,
                    flying: p.abilities.flying,
                    invulnerable: p.abilities.invulnerable,
                    may_build: p.abilities.may_build,
                    instabuild: p.abilities.instabuild,
                }),
                entered_nether_position: p.entered_nether_position.map(|n| pb::Vec3d {
                    x: n.x,
                    y: n.y,
                    z: n.z,
                }),
                root_vehicle: p.root_vehicle.as_ref().map(|v| pb::Vehicle {
                    uuid: pb_uuid(&v.uuid),
                    entity: Some(pb_entity(&v.entity)),
                }),
                shoulder_entity_left: p.shoulder_entity_left.as_ref().map(pb_entity),
                shoulder_entity_right: p.shoulder_entity_right.as_ref().map(pb_entity),
                seen_credits: p.seen_credits,
                recipe_book: Some(pb::RecipeBook {
                    recipes: p.recipe_book.recipes.clone(),
                    to_be_displayed: p.recipe_book.to_be_displayed.clone(),
                    is_filtering_craftable: p.recipe_book.is_filtering_craftable,
                    is_gui_open: p.recipe_book.is_gui_open,
                    is_furnace_filtering_craftable: p.recipe_book.is_furnace_filtering_craftable,
                    is_furnace_gui_open: p.recipe_book.is_furnace_gui_open,
                    is_blasting_furnace_filtering_craftable: p
                        .recipe_book
                        .is_blasting_furnace_filtering_craftable,
                    is_blasting_furnace_gui_open: p.recipe_book.is_blasting_furnace_gui_open,
                    is_smoker_filtering_craftable: p.recipe_book.is_smoker_filtering_craftable,
                    is_smoker_gui_open: p.recipe_book.is_smoker_gui_open,
                }),
            })
            .collect(),
    }
}

fn pbr_item(a: &mut Acc, i: &pb::Item) {
    a.add(i.count as u64);
    a.add(u64::from(i.slot));
    a.str(&i.id);
}

fn pbr_uuid(a: &mut Acc, u: &Option<pb::Uuid>) {
    if let Some(u) = u {
        for x in [u.x0, u.x1, u.x2, u.x3] {
            a.add(u64::from(x));
        }
    }
}

fn pbr_entity(a: &mut Acc, e: &pb::Entity) {
    a.str(&e.id);
    for p in [&e.pos, &e.motion].into_iter().flatten() {
        a.f64(p.x);
        a.f64(p.y);
        a.f64(p.z);
    }
    if let Some(r) = &e.rotation {
        a.f32(r.x);
        a.f32(r.y);
    }
    a.f32(e.fall_distance);
    a.add(u64::from(e.fire));
    a.add(u64::from(e.air));
    a.bool(e.on_ground);
    a.bool(e.no_gravity);
    a.bool(e.invulnerable);
    a.add(e.portal_cooldown as u64);
    pbr_uuid(a, &e.uuid);
    if let Some(n) = &e.custom_name {
        a.str(n);
    }
    a.bool(e.custom_name_visible);
    a.bool(e.silent);
    a.bool(e.glowing);
}

/// The read pass over prost's message.
pub fn read_prost(v: &pb::Players) -> u64 {
    let mut a = Acc::default();
    for p in &v.players {
        a.add(p.game_type as u64);
        a.add(p.previous_game_type as u64);
        a.add(p.score as u64);
        a.str(&p.dimension);
        a.add(u64::from(p.selected_item_slot));
        if let Some(i) = &p.selected_item {
            pbr_item(&mut a, i);
        }
        if let Some(d) = &p.spawn_dimension {
            a.str(d);
        }
        a.add(p.spawn_x as u64);
        a.add(p.spawn_y as u64);
        a.add(p.spawn_z as u64);
        if let Some(f) = p.spawn_forced {
            a.bool(f);
        }
        a.add(u64::from(p.sleep_timer));
        a.f32(p.food_exhaustion_level);
        a.f32(p.food_saturation_level);
        a.add(u64::from(p.food_tick_timer));
        a.add(u64::from(p.xp_level));
        a.f32(p.xp_p);
        a.add(p.xp_total as u64);
        a.add(p.xp_seed as u64);
        for i in p.inventory.iter().chain(&p.ender_items) {
            pbr_item(&mut a, i);
        }
        if let Some(ab) = &p.abilities {
            a.f32(ab.walk_speed);
            a.f32(ab.fly_speed);
            a.bool(ab.may_fly);
            a.bool(ab.flying);
            a.bool(ab.invulnerable);
            a.bool(ab.may_build);
            a.bool(ab.instabuild);
        }
        if let Some(n) = &p.entered_nether_position {
            a.f64(n.x);
            a.f64(n.y);
            a.f64(n.z);
        }
        if let Some(v) = &p.root_vehicle {
            pbr_uuid(&mut a, &v.uuid);
            if let Some(e) = &v.entity {
                pbr_entity(&mut a, e);
            }
        }
        for e in [&p.shoulder_entity_left, &p.shoulder_entity_right]
            .into_iter()
            .flatten()
        {
            pbr_entity(&mut a, e);
        }
        a.bool(p.seen_credits);
        if let Some(r) = &p.recipe_book {
            for s in r.recipes.iter().chain(&r.to_be_displayed) {
                a.str(s);
            }
            a.bool(r.is_filtering_craftable);
            a.bool(r.is_gui_open);
            a.bool(r.is_furnace_filtering_craftable);
            a.bool(r.is_furnace_gui_open);
            a.bool(r.is_blasting_furnace_filtering_craftable);
            a.bool(r.is_blasting_furnace_gui_open);
            a.bool(r.is_smoker_filtering_craftable);
            a.bool(r.is_smoker_gui_open);
        }
    }
    a.0
}

// ---------------------------------------------------------------------------------------
// capnp

fn cp_game_type(g: GameType) -> cp::GameType {
    match g {
        GameType::Survival => cp::GameType::Survival,
        GameType::Creative => cp::GameType::Creative,
        GameType::Adventure => cp::GameType::Adventure,
        GameType::Spectator => cp::GameType::Spectator,
    }
}

fn cp_item(mut b: cp::item::Builder<'_>, i: &Item) {
    b.set_count(i.count);
    b.set_slot(i.slot);
    b.set_id(i.id.as_str());
}

fn cp_entity(mut b: cp::entity::Builder<'_>, e: &Entity) {
    b.set_id(e.id.as_str());
    {
        let mut p = b.reborrow().get_pos();
        p.set_x(e.pos[0]);
        p.set_y(e.pos[1]);
        p.set_z(e.pos[2]);
    }
    {
        let mut m = b.reborrow().get_motion();
        m.set_x(e.motion[0]);
        m.set_y(e.motion[1]);
        m.set_z(e.motion[2]);
    }
    {
        let mut r = b.reborrow().get_rotation();
        r.set_x(e.rotation[0]);
        r.set_y(e.rotation[1]);
    }
    b.set_fall_distance(e.fall_distance);
    b.set_fire(e.fire);
    b.set_air(e.air);
    b.set_on_ground(e.on_ground);
    b.set_no_gravity(e.no_gravity);
    b.set_invulnerable(e.invulnerable);
    b.set_portal_cooldown(e.portal_cooldown);
    {
        let mut u = b.reborrow().get_uuid();
        u.set_x0(e.uuid[0]);
        u.set_x1(e.uuid[1]);
        u.set_x2(e.uuid[2]);
        u.set_x3(e.uuid[3]);
    }
    if let Some(n) = &e.custom_name {
        b.set_custom_name(n.as_str());
    }
    b.set_custom_name_visible(e.custom_name_visible);
    b.set_silent(e.silent);
    b.set_glowing(e.glowing);
}

/// Builds the capnp message of `v`.
pub fn build_capnp<A: capnp::message::Allocator>(
    v: &Players,
    message: &mut capnp::message::Builder<A>,
) {
    let root = message.init_root::<cp::players::Builder<'_>>();
    let mut list = root.init_players(v.players.len() as u32);
    for (i, p) in v.players.iter().enumerate() {
        let mut b = list.reborrow().get(i as u32);
        b.set_game_type(cp_game_type(p.game_type));
        b.set_previous_game_type(cp_game_type(p.previous_game_type));
        b.set_score(p.score);
        b.set_dimension(p.dimension.as_str());
        b.set_selected_item_slot(p.selected_item_slot);
        cp_item(b.reborrow().init_selected_item(), &p.selected_item);
        if let Some(d) = &p.spawn_dimension {
            b.set_spawn_dimension(d.as_str());
        }
        b.set_spawn_x(p.spawn_x);
        b.set_spawn_y(p.spawn_y);
        b.set_spawn_z(p.spawn_z);
        match p.spawn_forced {
            Some(f) => b.reborrow().get_spawn_forced().set_some(f.forced),
            None => b.reborrow().get_spawn_forced().set_none(()),
        }
        b.set_sleep_timer(p.sleep_timer);
        b.set_food_exhaustion_level(p.food_exhaustion_level);
        b.set_food_saturation_level(p.food_saturation_level);
        b.set_food_tick_timer(p.food_tick_timer);
        b.set_xp_level(p.xp_level);
        b.set_xp_p(p.xp_p);
        b.set_xp_total(p.xp_total);
        b.set_xp_seed(p.xp_seed);
        {
            let mut inv = b.reborrow().init_inventory(p.inventory.len() as u32);
            for (j, it) in p.inventory.iter().enumerate() {
                cp_item(inv.reborrow().get(j as u32), it);
            }
        }
        {
            let mut inv = b.reborrow().init_ender_items(p.ender_items.len() as u32);
            for (j, it) in p.ender_items.iter().enumerate() {
                cp_item(inv.reborrow().get(j as u32), it);
            }
        }
        {
            let mut ab = b.reborrow().init_abilities();
            ab.set_walk_speed(p.abilities.walk_speed);
            ab.set_fly_speed(p.abilities.fly_speed);
            ab.set_may_fly(p.abilities.may_fly);
            ab.set_flying(p.abilities.flying);
            ab.set_invulnerable(p.abilities.invulnerable);
            ab.set_may_build(p.abilities.may_build);
            ab.set_instabuild(p.abilities.instabuild);
        }
        if let Some(n) = &p.entered_nether_position {
            let mut e = b.reborrow().init_entered_nether_position();
            e.set_x(n.x);
            e.set_y(n.y);
            e.set_z(n.z);
        }
        if let Some(v) = &p.root_vehicle {
            let mut rv = b.reborrow().init_root_vehicle();
            {
                let mut u = rv.reborrow().get_uuid();
                u.set_x0(v.uuid[0]);
                u.set_x1(v.uuid[1]);
                u.set_x2(v.uuid[2]);
                u.set_x3(v.uuid[3]);
            }
            cp_entity(rv.init_entity(), &v.entity);
        }
        if let Some(e) = &p.shoulder_entity_left {
            cp_entity(b.reborrow().init_shoulder_entity_left(), e);
        }
        if let Some(e) = &p.shoulder_entity_right {
            cp_entity(b.reborrow().init_shoulder_entity_right(), e);
        }
        b.set_seen_credits(p.seen_credits);
        let r = &p.recipe_book;
        let mut rb = b.init_recipe_book();
        {
            let mut l = rb.reborrow().init_recipes(r.recipes.len() as u32);
            for (j, s) in r.recipes.iter().enumerate() {
                l.set(j as u32, s.as_str());
            }
        }
        {
            let mut l = rb
                .reborrow()
                .init_to_be_displayed(r.to_be_displayed.len() as u32);
            for (j, s) in r.to_be_displayed.iter().enumerate() {
                l.set(j as u32, s.as_str());
            }
        }
        rb.set_is_filtering_craftable(r.is_filtering_craftable);
        rb.set_is_gui_open(r.is_gui_open);
        rb.set_is_furnace_filtering_craftable(r.is_furnace_filtering_craftable);
        rb.set_is_furnace_gui_open(r.is_furnace_gui_open);
        rb.set_is_blasting_furnace_filtering_craftable(r.is_blasting_furnace_filtering_craftable);
        rb.set_is_blasting_furnace_gui_open(r.is_blasting_furnace_gui_open);
        rb.set_is_smoker_filtering_craftable(r.is_smoker_filtering_craftable);
        rb.set_is_smoker_gui_open(r.is_smoker_gui_open);
    }
}

fn cpr_item(a: &mut Acc, i: cp::item::Reader<'_>) -> capnp::Result<()> {
    a.add(i.get_count() as u64);
    a.add(u64::from(i.get_slot()));
    a.str(i.get_id()?.to_str()?);
    Ok(())
}

fn cpr_entity(a: &mut Acc, e: cp::entity::Reader<'_>) -> capnp::Result<()> {
    a.str(e.get_id()?.to_str()?);
    let p = e.get_pos();
    let m = e.get_motion();
    for x in [
        p.get_x(),
        p.get_y(),
        p.get_z(),
        m.get_x(),
        m.get_y(),
        m.get_z(),
    ] {
        a.f64(x);
    }
    let r = e.get_rotation();
    a.f32(r.get_x());
    a.f32(r.get_y());
    a.f32(e.get_fall_distance());
    a.add(u64::from(e.get_fire()));
    a.add(u64::from(e.get_air()));
    a.bool(e.get_on_ground());
    a.bool(e.get_no_gravity());
    a.bool(e.get_invulnerable());
    a.add(e.get_portal_cooldown() as u64);
    let u = e.get_uuid();
    for x in [u.get_x0(), u.get_x1(), u.get_x2(), u.get_x3()] {
        a.add(u64::from(x));
    }
    if e.has_custom_name() {
        a.str(e.get_custom_name()?.to_str()?);
    }
    a.bool(e.get_custom_name_visible());
    a.bool(e.get_silent());
    a.bool(e.get_glowing());
    Ok(())
}

/// The read pass over capnp's reader (strings checked as UTF-8, as ours are).
pub fn read_capnp(r: cp::players::Reader<'_>) -> capnp::Result<u64> {
    let mut a = Acc::default();
    for p in r.get_players()?.iter() {
        a.add(p.get_game_type()? as u64);
        a.add(p.get_previous_game_type()? as u64);
        a.add(p.get_score() as u64);
        a.str(p.get_dimension()?.to_str()?);
        a.add(u64::from(p.get_selected_item_slot()));
        cpr_item(&mut a, p.get_selected_item()?)?;
        if p.has_spawn_dimension() {
            a.str(p.get_spawn_dimension()?.to_str()?);
        }
        a.add(p.get_spawn_x() as u64);
        a.add(p.get_spawn_y() as u64);
        a.add(p.get_spawn_z() as u64);
        if let cp::player::spawn_forced::Which::Some(f) = p.get_spawn_forced().which()? {
            a.bool(f);
        }
        a.add(u64::from(p.get_sleep_timer()));
        a.f32(p.get_food_exhaustion_level());
        a.f32(p.get_food_saturation_level());
        a.add(u64::from(p.get_food_tick_timer()));
        a.add(u64::from(p.get_xp_level()));
        a.f32(p.get_xp_p());
        a.add(p.get_xp_total() as u64);
        a.add(p.get_xp_seed() as u64);
        for i in p.get_inventory()?.iter().chain(p.get_ender_items()?.iter()) {
            cpr_item(&mut a, i)?;
        }
        let ab = p.get_abilities()?;
        a.f32(ab.get_walk_speed());
        a.f32(ab.get_fly_speed());
        a.bool(ab.get_may_fly());
        a.bool(ab.get_flying());
        a.bool(ab.get_invulnerable());
        a.bool(ab.get_may_build());
        a.bool(ab.get_instabuild());
        if p.has_entered_nether_position() {
            let n = p.get_entered_nether_position()?;
            a.f64(n.get_x());
            a.f64(n.get_y());
            a.f64(n.get_z());
        }
        if p.has_root_vehicle() {
            let v = p.get_root_vehicle()?;
            let u = v.get_uuid();
            for x in [u.get_x0(), u.get_x1(), u.get_x2(), u.get_x3()] {
                a.add(u64::from(x));
            }
            cpr_entity(&mut a, v.get_entity()?)?;
        }
        if p.has_shoulder_entity_left() {
            cpr_entity(&mut a, p.get_shoulder_entity_left()?)?;
        }
        if p.has_shoulder_entity_right() {
            cpr_entity(&mut a, p.get_shoulder_entity_right()?)?;
        }
        a.bool(p.get_seen_credits());
        let r = p.get_recipe_book()?;
        for s in r
            .get_recipes()?
            .iter()
            .chain(r.get_to_be_displayed()?.iter())
        {
            a.str(s?.to_str()?);
        }
        a.bool(r.get_is_filtering_craftable());
        a.bool(r.get_is_gui_open());
        a.bool(r.get_is_furnace_filtering_craftable());
        a.bool(r.get_is_furnace_gui_open());
        a.bool(r.get_is_blasting_furnace_filtering_craftable());
        a.bool(r.get_is_blasting_furnace_gui_open());
        a.bool(r.get_is_smoker_filtering_craftable());
        a.bool(r.get_is_smoker_gui_open());
    }
    Ok(a.0)
}

// ---------------------------------------------------------------------------------------
// flatbuffers

fn fb_game_type(g: GameType) -> fb::GameType {
    fb::GameType(g as u8)
}

fn fb_uuid(u: &[u32; 4]) -> fb::Uuid {
    fb::Uuid::new(u[0], u[1], u[2], u[3])
}

fn fb_item<'a>(fbb: &mut FlatBufferBuilder<'a>, i: &Item) -> WIPOffset<fb::Item<'a>> {
    let id = fbb.create_string(&i.id);
    fb::Item::create(
        fbb,
        &fb::ItemArgs {
            count: i.count,
            slot: i.slot,
            id: Some(id),
        },
    )
}

fn fb_items<'a>(
    fbb: &mut FlatBufferBuilder<'a>,
    items: &[Item],
    scratch: &mut Vec<WIPOffset<fb::Item<'a>>>,
) -> WIPOffset<flatbuffers::Vector<'a, flatbuffers::ForwardsUOffset<fb::Item<'a>>>> {
    scratch.clear();
    for i in items {
        let o = fb_item(fbb, i);
        scratch.push(o);
    }
    fbb.create_vector(scratch)
}

fn fb_strings<'a>(
    fbb: &mut FlatBufferBuilder<'a>,
    items: &[String],
    scratch: &mut Vec<WIPOffset<&'a str>>,
) -> WIPOffset<flatbuffers::Vector<'a, flatbuffers::ForwardsUOffset<&'a str>>> {
    scratch.clear();
    for s in items {
        let o = fbb.create_string(s);
        scratch.push(o);
    }
    fbb.create_vector(scratch)
}

fn fb_entity<'a>(fbb: &mut FlatBufferBuilder<'a>, e: &Entity) -> WIPOffset<fb::Entity<'a>> {
    let id = fbb.create_string(&e.id);
    let custom_name = e.custom_name.as_deref().map(|n| fbb.create_string(n));
    let pos = fb::Vec3d::new(e.pos[0], e.pos[1], e.pos[2]);
    let motion = fb::Vec3d::new(e.motion[0], e.motion[1], e.motion[2]);
    let rotation = fb::Vec2f::new(e.rotation[0], e.rotation[1]);
    let uuid = fb_uuid(&e.uuid);
    fb::Entity::create(
        fbb,
        &fb::EntityArgs {
            id: Some(id),
            pos: Some(&pos),
            motion: Some(&motion),
            rotation: Some(&rotation),
            fall_distance: e.fall_distance,
            fire: e.fire,
            air: e.air,
            on_ground: e.on_ground,
            no_gravity: e.no_gravity,
            invulnerable: e.invulnerable,
            portal_cooldown: e.portal_cooldown,
            uuid: Some(&uuid),
            custom_name,
            custom_name_visible: e.custom_name_visible,
            silent: e.silent,
            glowing: e.glowing,
        },
    )
}

/// Scratch vectors of offsets the flatbuffers builder needs, reused across encodes.
#[derive(Default)]
pub struct FbScratch {
    players: Vec<WIPOffset<fb::Player<'static>>>,
    items: Vec<WIPOffset<fb::Item<'static>>>,
    strings: Vec<WIPOffset<&'static str>>,
}

/// Builds the flatbuffer of `v` into `fbb` (reset first) and returns its bytes.
pub fn build_flatbuffers<'a>(
    v: &Players,
    fbb: &'a mut FlatBufferBuilder<'static>,
    s: &mut FbScratch,
) -> &'a [u8] {
    fbb.reset();
    s.players.clear();
    for p in &v.players {
        let dimension = fbb.create_string(&p.dimension);
        let selected_item = fb_item(fbb, &p.selected_item);
        let spawn_dimension = p.spawn_dimension.as_deref().map(|d| fbb.create_string(d));
        let inventory = fb_items(fbb, &p.inventory, &mut s.items);
        let ender_items = fb_items(fbb, &p.ender_items, &mut s.items);
        let root_vehicle = p.root_vehicle.as_ref().map(|rv| {
            let entity = fb_entity(fbb, &rv.entity);
            let uuid = fb_uuid(&rv.uuid);
            fb::Vehicle::create(
                fbb,
                &fb::VehicleArgs {
                    uuid: Some(&uuid),
                    entity: Some(entity),
                },
            )
        });
        let left = p.shoulder_entity_left.as_ref().map(|e| fb_entity(fbb, e));
        let right = p.shoulder_entity_right.as_ref().map(|e| fb_entity(fbb, e));
        let r = &p.recipe_book;
        let recipes = fb_strings(fbb, &r.recipes, &mut s.strings);
        let to_be_displayed = fb_strings(fbb, &r.to_be_displayed, &mut s.strings);
        let recipe_book = fb::RecipeBook::create(
            fbb,
            &fb::RecipeBookArgs {
                recipes: Some(recipes),
                to_be_displayed: Some(to_be_displayed),
                is_filtering_craftable: r.is_filtering_craftable,
                is_gui_open: r.is_gui_open,
                is_furnace_filtering_craftable: r.is_furnace_filtering_craftable,
                is_furnace_gui_open: r.is_furnace_gui_open,
                is_blasting_furnace_filtering_craftable: r.is_blasting_furnace_filtering_craftable,
                is_blasting_furnace_gui_open: r.is_blasting_furnace_gui_open,
                is_smoker_filtering_craftable: r.is_smoker_filtering_craftable,
                is_smoker_gui_open: r.is_smoker_gui_open,
            },
        );
        let abilities = fb::Abilities::new(
            p.abilities.walk_speed,
            p.abilities.fly_speed,
            p.abilities.may_fly,
            p.abilities.flying,
            p.abilities.invulnerable,
            p.abilities.may_build,
            p.abilities.instabuild,
        );
        let nether = p
            .entered_nether_position
            .map(|n| fb::Vec3d::new(n.x, n.y, n.z));
        let player = fb::Player::create(
            fbb,
            &fb::PlayerArgs {
                game_type: fb_game_type(p.game_type),
                previous_game_type: fb_game_type(p.previous_game_type),
                score: p.score,
                dimension: Some(dimension),
                selected_item_slot: p.selected_item_slot,
                selected_item: Some(selected_item),
                spawn_dimension,
                spawn_x: p.spawn_x,
                spawn_y: p.spawn_y,
                spawn_z: p.spawn_z,
                spawn_forced: p.spawn_forced.map(|f| f.forced),
                sleep_timer: p.sleep_timer,
                food_exhaustion_level: p.food_exhaustion_level,
                food_saturation_level: p.food_saturation_level,
                food_tick_timer: p.food_tick_timer,
                xp_level: p.xp_level,
                xp_p: p.xp_p,
                xp_total: p.xp_total,
                xp_seed: p.xp_seed,
                inventory: Some(inventory),
                ender_items: Some(ender_items),
                abilities: Some(&abilities),
                entered_nether_position: nether.as_ref(),
                root_vehicle,
                shoulder_entity_left: left,
                shoulder_entity_right: right,
                seen_credits: p.seen_credits,
                recipe_book: Some(recipe_book),
            },
        );
        s.players.push(player);
    }
    let players = fbb.create_vector(&s.players);
    let root = fb::Players::create(
        fbb,
        &fb::PlayersArgs {
            players: Some(players),
        },
    );
    fbb.finish(root, None);
    fbb.finished_data()
}

fn fbr_item(a: &mut Acc, i: fb::Item<'_>) {
    a.add(i.count() as u64);
    a.add(u64::from(i.slot()));
    a.str(i.id().unwrap_or(""));
}

fn fbr_uuid(a: &mut Acc, u: Option<&fb::Uuid>) {
    if let Some(u) = u {
        for x in [u.x0(), u.x1(), u.x2(), u.x3()] {
            a.add(u64::from(x));
        }
    }
}

fn fbr_entity(a: &mut Acc, e: fb::Entity<'_>) {
    a.str(e.id().unwrap_or(""));
    for p in [e.pos(), e.motion()].into_iter().flatten() {
        a.f64(p.x());
        a.f64(p.y());
        a.f64(p.z());
    }
    if let Some(r) = e.rotation() {
        a.f32(r.x());
        a.f32(r.y());
    }
    a.f32(e.fall_distance());
    a.add(u64::from(e.fire()));
    a.add(u64::from(e.air()));
    a.bool(e.on_ground());
    a.bool(e.no_gravity());
    a.bool(e.invulnerable());
    a.add(e.portal_cooldown() as u64);
    fbr_uuid(a, e.uuid());
    if let Some(n) = e.custom_name() {
        a.str(n);
    }
    a.bool(e.custom_name_visible());
    a.bool(e.silent());
    a.bool(e.glowing());
}

/// The read pass over the flatbuffer.
pub fn read_flatbuffers(r: fb::Players<'_>) -> u64 {
    let mut a = Acc::default();
    for p in r.players().into_iter().flatten() {
        a.add(u64::from(p.game_type().0));
        a.add(u64::from(p.previous_game_type().0));
        a.add(p.score() as u64);
        a.str(p.dimension().unwrap_or(""));
        a.add(u64::from(p.selected_item_slot()));
        if let Some(i) = p.selected_item() {
            fbr_item(&mut a, i);
        }
        if let Some(d) = p.spawn_dimension() {
            a.str(d);
        }
        a.add(p.spawn_x() as u64);
        a.add(p.spawn_y() as u64);
        a.add(p.spawn_z() as u64);
        if let Some(f) = p.spawn_forced() {
            a.bool(f);
        }
        a.add(u64::from(p.sleep_timer()));
        a.f32(p.food_exhaustion_level());
        a.f32(p.food_saturation_level());
        a.add(u64::from(p.food_tick_timer()));
        a.add(u64::from(p.xp_level()));
        a.f32(p.xp_p());
        a.add(p.xp_total() as u64);
        a.add(p.xp_seed() as u64);
        for i in p.inventory().into_iter().chain(p.ender_items()).flatten() {
            fbr_item(&mut a, i);
        }
        if let Some(ab) = p.abilities() {
            a.f32(ab.walk_speed());
            a.f32(ab.fly_speed());
            a.bool(ab.may_fly());
            a.bool(ab.flying());
            a.bool(ab.invulnerable());
            a.bool(ab.may_build());
            a.bool(ab.instabuild());
        }
        if let Some(n) = p.entered_nether_position() {
            a.f64(n.x());
            a.f64(n.y());
            a.f64(n.z());
        }
        if let Some(v) = p.root_vehicle() {
            fbr_uuid(&mut a, v.uuid());
            if let Some(e) = v.entity() {
                fbr_entity(&mut a, e);
            }
        }
        for e in [p.shoulder_entity_left(), p.shoulder_entity_right()]
            .into_iter()
            .flatten()
        {
            fbr_entity(&mut a, e);
        }
        a.bool(p.seen_credits());
        if let Some(r) = p.recipe_book() {
            for s in r.recipes().into_iter().chain(r.to_be_displayed()).flatten() {
                a.str(s);
            }
            a.bool(r.is_filtering_craftable());
            a.bool(r.is_gui_open());
            a.bool(r.is_furnace_filtering_craftable());
            a.bool(r.is_furnace_gui_open());
            a.bool(r.is_blasting_furnace_filtering_craftable());
            a.bool(r.is_blasting_furnace_gui_open());
            a.bool(r.is_smoker_filtering_craftable());
            a.bool(r.is_smoker_gui_open());
        }
    }
    a.0
}

// ---------------------------------------------------------------------------------------

fn capnp_cases(dataset: &str, value: Rc<Players>) -> (Vec<Case>, usize) {
    let mut message = capnp::message::Builder::new_default();
    build_capnp(&value, &mut message);
    let wire = capnp::serialize::write_message_to_words(&message);
    let size = wire.len();
    let mut scratch = capnp::Word::allocate_zeroed_vec(size / 8 + 64);
    let mut out = Vec::with_capacity(size);
    let mut cases = vec![Case::new(dataset, ENCODE, CAPNP, move || {
        let alloc = capnp::message::ScratchSpaceHeapAllocator::new(
            capnp::Word::words_to_bytes_mut(&mut scratch),
        );
        let mut message = capnp::message::Builder::new(alloc);
        build_capnp(black_box(&value), &mut message);
        out.clear();
        if let Err(e) = capnp::serialize::write_message(&mut out, &message) {
            panic!("capnp write failed: {e}");
        }
        black_box(&out);
    })];
    let words = Rc::new(peers::capnp_words(&wire));
    fn open(
        words: &[capnp::Word],
    ) -> capnp::message::Reader<capnp::serialize::NoAllocSliceSegments<'_>> {
        let mut slice = capnp::Word::words_to_bytes(words);
        match capnp::serialize::read_message_from_flat_slice_no_alloc(
            &mut slice,
            peers::capnp_options(),
        ) {
            Ok(r) => r,
            Err(e) => panic!("capnp read failed: {e}"),
        }
    }
    let w = words.clone();
    cases.push(Case::new(dataset, DECODE, CAPNP, move || {
        let reader = open(black_box(&w));
        match reader.get_root::<cp::players::Reader<'_>>() {
            Ok(r) => {
                black_box(r);
            }
            Err(e) => panic!("capnp root failed: {e}"),
        }
    }));
    let w = words;
    cases.push(Case::new(dataset, DECODE_READ, CAPNP, move || {
        let reader = open(black_box(&w));
        match reader
            .get_root::<cp::players::Reader<'_>>()
            .and_then(read_capnp)
        {
            Ok(s) => {
                black_box(s);
            }
            Err(e) => panic!("capnp read failed: {e}"),
        }
    }));
    (cases, size)
}

fn flatbuffers_cases(dataset: &str, value: Rc<Players>) -> (Vec<Case>, usize) {
    let mut fbb = FlatBufferBuilder::new();
    let mut scratch = FbScratch::default();
    let wire = build_flatbuffers(&value, &mut fbb, &mut scratch).to_vec();
    let size = wire.len();
    let mut cases = vec![Case::new(dataset, ENCODE, FLATBUFFERS, move || {
        black_box(build_flatbuffers(black_box(&value), &mut fbb, &mut scratch));
    })];
    let wire = Rc::new(wire);
    let w = wire.clone();
    cases.push(Case::new(
        dataset,
        DECODE,
        FLATBUFFERS,
        move || match fb::root_as_players(black_box(&w)) {
            Ok(r) => {
                black_box(r);
            }
            Err(e) => panic!("flatbuffers verify failed: {e}"),
        },
    ));
    let w = wire;
    cases.push(Case::new(
        dataset,
        DECODE_READ,
        FLATBUFFERS,
        move || match fb::root_as_players(black_box(&w)) {
            Ok(r) => {
                black_box(read_flatbuffers(r));
            }
            Err(e) => panic!("flatbuffers verify failed: {e}"),
        },
    ));
    (cases, size)
}

/// Every case of the dataset with `n` players.
pub fn suite(dataset: &str, n: usize) -> Suite {
    let value = Rc::new(generate(n));
    let ours = peers::ours::<Players>(dataset, value.clone(), read_view);
    let mut suite = Suite::new(dataset, ours, &string_bytes(&value));
    suite.add(
        peers::rkyv::<Players>(dataset, value.clone(), read_rkyv),
        peers::RKYV,
    );
    suite.add(capnp_cases(dataset, value.clone()), CAPNP);
    suite.add(flatbuffers_cases(dataset, value.clone()), FLATBUFFERS);
    suite.add(
        peers::prost(dataset, to_prost(&value), read_prost),
        peers::PROST,
    );
    suite.add(
        peers::bincode(dataset, value.clone(), read_natural),
        peers::BINCODE,
    );
    suite.add(
        peers::postcard(dataset, value, read_natural),
        peers::POSTCARD,
    );
    suite
}
