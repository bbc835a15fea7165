//! The components of one deployment: the configured ones with the images given for this run.
use std::collections::BTreeMap;

use super::model::Image;

impl Image {
    /// `configured` (`notify.components`, name → version, in name order) with `images`
    /// (`--image NAME=REF`) merged in: an image replaces the component of its name and goes
    /// last, in the order given.
    pub fn merged(configured: &BTreeMap<String, String>, images: &[Image]) -> Vec<Image> {
        let mut components: Vec<Image> = configured
            .iter()
            .map(|(name, reference)| Image {
                name: name.clone(),
                reference: reference.clone(),
            })
            .collect();
        for image in images {
            components.retain(|c| c.name != image.name);
            components.push(image.clone());
        }
        components
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(text: &str) -> Image {
        text.parse().unwrap()
    }

    #[test]
    fn images_replace_configured_components_and_go_last() {
        let configured = BTreeMap::from([
            ("worker".to_owned(), "1.0".to_owned()),
            ("api".to_owned(), "1.0".to_owned()),
        ]);
        let merged = Image::merged(
            &configured,
            &[image("api=2.0"), image("web=3.0"), image("api=2.1")],
        );
        let pairs: Vec<(&str, &str)> = merged
            .iter()
            .map(|c| (c.name.as_str(), c.reference.as_str()))
            .collect();
        assert_eq!(pairs, [("worker", "1.0"), ("web", "3.0"), ("api", "2.1")]);
    }
}
