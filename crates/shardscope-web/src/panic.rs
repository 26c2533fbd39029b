//! Turns a panic into a visible error panel with a reload link, instead of a dead page.
//!
//! After a panic the wasm instance cannot be trusted to run again, so the panel is built with
//! plain DOM calls from inside the panic hook and its reload link needs no wasm: it is an ordinary
//! link to the same page.

use wasm_bindgen::JsValue;

/// Installs the hook through Yew, which would otherwise replace it with its own when the app is
/// rendered. The message also goes to the console for people with devtools open.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&format!("Shardscope panicked: {message}")));
        // If even the DOM is unavailable there is nothing more to show.
        let _ = show_panel(&message);
    }));
}

fn show_panel(message: &str) -> Option<()> {
    let window = web_sys::window()?;
    let document = window.document()?;
    if document.get_element_by_id("panic-panel").is_some() {
        return Some(());
    }
    let panel = document.create_element("section").ok()?;
    panel.set_id("panic-panel");
    panel.set_class_name("panic-panel");
    panel.set_attribute("role", "alert").ok()?;
    let heading = document.create_element("h2").ok()?;
    heading.set_text_content(Some("Something went wrong"));
    let text = document.create_element("p").ok()?;
    text.set_text_content(Some(&format!(
        "Shardscope hit an internal error and stopped. Reloading starts it again with the same link. \
         Details: {message}"
    )));
    let link = document.create_element("a").ok()?;
    link.set_attribute("href", &reload_href(&window.location())?).ok()?;
    link.set_text_content(Some("Reload this page"));
    panel.append_child(&heading).ok()?;
    panel.append_child(&text).ok()?;
    panel.append_child(&link).ok()?;
    document.body()?.prepend_with_node_1(&panel).ok()
}

/// A link to the same page and state that the browser must load afresh.
///
/// A link that differs from the current address only after `#` would be a same-document
/// navigation, which reloads nothing. Toggling a `reload` marker in the query part makes the
/// address different while keeping the lab's state, which lives after `#`.
fn reload_href(location: &web_sys::Location) -> Option<String> {
    let path = location.pathname().ok()?;
    let search = location.search().ok()?;
    let hash = location.hash().ok()?;
    let search = if search.contains("reload") {
        search.replace("&reload", "").replace("?reload", "?")
    } else if search.is_empty() {
        "?reload".to_owned()
    } else {
        format!("{search}&reload")
    };
    Some(format!("{path}{search}{hash}"))
}
