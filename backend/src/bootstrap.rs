//! Creating schools and their first admins: on first start from `BOOTSTRAP_ADMIN`, and from the
//! `add-school` command.

use shared::api::Role;

use crate::auth::password;
use crate::config::{Cli, parse_credentials};
use crate::db::districts::District;
use crate::db::{self, Actor, NewAccount, School, Store};
use crate::http::names::check_username;
use shared::district::DistrictId;

/// With an empty database and `BOOTSTRAP_ADMIN` set, creates the first school and its admin.
pub async fn first_start(store: &dyn Store, cli: &Cli) -> Result<(), String> {
    let Some(credentials) = &cli.bootstrap_admin else {
        return Ok(());
    };
    if !store.is_empty().await.map_err(|e| e.to_string())? {
        tracing::info!("BOOTSTRAP_ADMIN ignored: the database already has a school");
        return Ok(());
    }
    let (username, pass) =
        parse_credentials(credentials).map_err(|e| format!("BOOTSTRAP_ADMIN: {e}"))?;
    let school = create_school(store, &cli.bootstrap_school, &username, &pass).await?;
    tracing::info!(school = %school.name, admin = %username, "created the first school and its admin");
    Ok(())
}

/// `backend add-school --name N --admin user:pass [--district ID]`.
pub async fn add_school(
    cli: &Cli,
    name: &str,
    admin: &str,
    district: Option<DistrictId>,
) -> Result<(), String> {
    let store = db::connect(&cli.database_url()).await?;
    let (username, pass) = parse_credentials(admin).map_err(|e| format!("--admin: {e}"))?;
    let school = match district {
        None => create_school(store.as_ref(), name, &username, &pass).await?,
        Some(d) => create_district_school(store.as_ref(), d, name, &username, &pass).await?,
    };
    println!("created school {} ({:?}) with admin {username}", school.id, school.name);
    Ok(())
}

/// `backend add-district --name N --admin user:pass`: prints the new district's id alone on
/// stdout (for scripts), and a sentence on stderr.
pub async fn add_district(cli: &Cli, name: &str, admin: &str) -> Result<(), String> {
    let store = db::connect(&cli.database_url()).await?;
    let (username, pass) = parse_credentials(admin).map_err(|e| format!("--admin: {e}"))?;
    let district = create_district(store.as_ref(), name, &username, &pass).await?;
    eprintln!("created district {} ({:?}) with admin {username}", district.id, district.name);
    println!("{}", district.id);
    Ok(())
}

/// Creates a district and its first district admin.
pub async fn create_district(
    store: &dyn Store,
    name: &str,
    username: &str,
    pass: &str,
) -> Result<District, String> {
    let name = checked_name(name, "a district's")?;
    if store.district_by_name(&name).await.map_err(|e| e.to_string())?.is_some() {
        return Err(format!("a district named {name:?} already exists"));
    }
    let admin =
        admin_account(username, pass, Role::DistrictAdmin, "District administrator").await?;
    let (district, _) = store
        .create_district(&name, admin, &Actor::system(None))
        .await
        .map_err(|e| e.to_string())?;
    Ok(district)
}

/// Creates a school of a district with the default policy and its admin account.
pub async fn create_district_school(
    store: &dyn Store,
    district: DistrictId,
    name: &str,
    username: &str,
    pass: &str,
) -> Result<School, String> {
    if store.district(district).await.map_err(|e| e.to_string())?.is_none() {
        return Err(format!("there is no district {district}"));
    }
    let name = checked_name(name, "a school's")?;
    let admin = admin_account(username, pass, Role::SchoolAdmin, "Administrator").await?;
    let (school, _) = store
        .create_district_school(district, &name, admin, &Actor::system(None))
        .await
        .map_err(|e| e.to_string())?;
    Ok(school)
}

fn checked_name(name: &str, whose: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(format!("{whose} name needs 1 to 100 characters"));
    }
    Ok(name.to_owned())
}

async fn admin_account(
    username: &str,
    pass: &str,
    role: Role,
    display_name: &str,
) -> Result<NewAccount, String> {
    let username = check_username(username).map_err(|e| e.to_string())?;
    password::check_new(pass).map_err(|e| e.to_string())?;
    let hash = password::hash(pass.to_owned()).await.map_err(|e| e.to_string())?;
    Ok(NewAccount {
        school_id: 0,
        username,
        display_name: display_name.into(),
        role,
        class_id: None,
        grade: None,
        password_hash: hash,
    })
}

/// Creates a school with the default policy and its admin account.
pub async fn create_school(
    store: &dyn Store,
    name: &str,
    username: &str,
    pass: &str,
) -> Result<School, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err("a school's name needs 1 to 100 characters".into());
    }
    let username = check_username(username).map_err(|e| e.to_string())?;
    password::check_new(pass).map_err(|e| e.to_string())?;
    let hash = password::hash(pass.to_owned()).await.map_err(|e| e.to_string())?;
    let admin = NewAccount {
        school_id: 0,
        username,
        display_name: "Administrator".into(),
        role: Role::SchoolAdmin,
        class_id: None,
        grade: None,
        password_hash: hash,
    };
    let (school, _) =
        store.create_school(name, admin, &Actor::system(None)).await.map_err(|e| e.to_string())?;
    Ok(school)
}
