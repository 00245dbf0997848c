//! What a screenshot shows, read from its PNG bytes: enough of a PNG decoder (8-bit greyscale,
//! RGB and RGBA, with or without alpha, not interlaced: what Chromium writes) to count its
//! colours and the pixels that are not the background. A blank page, a white page with an
//! error line, or a page whose styles never loaded all fail [`assert_not_blank`].

use std::collections::HashMap;

/// Every how many pixels, across and down, a picture is sampled.
const SAMPLE: usize = 3;

/// A decoded picture: its size and a sample of its pixels (every [`SAMPLE`]th of every
/// [`SAMPLE`]th row) as RGBA.
pub struct Picture {
    pub width: u32,
    pub height: u32,
    /// Rows of `width.div_ceil(step)` pixels, every `step`th row.
    pub pixels: Vec<[u8; 4]>,
    pub step: usize,
}

/// How much a picture shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contents {
    /// Distinct colours.
    pub colours: usize,
    /// The share of pixels that differ from the most common colour (the background), 0 to 1.
    pub drawn: f64,
}

impl Picture {
    /// Decodes a PNG, or says why it cannot, keeping every [`SAMPLE`]th pixel.
    pub fn decode(png: &[u8]) -> Result<Picture, String> {
        Picture::decode_every(png, SAMPLE)
    }

    /// Decodes a PNG keeping every `step`th pixel of every `step`th row (1: all of them).
    pub fn decode_every(png: &[u8], step: usize) -> Result<Picture, String> {
        let step = step.max(1);
        const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
        if !png.starts_with(SIGNATURE) {
            return Err("not a PNG (no signature)".into());
        }
        let mut at = SIGNATURE.len();
        let (mut width, mut height, mut channels) = (0u32, 0u32, 0usize);
        let mut compressed = Vec::new();
        while at + 8 <= png.len() {
            let length = u32::from_be_bytes(png[at..at + 4].try_into().unwrap_or_default());
            let kind = &png[at + 4..at + 8];
            let data =
                png.get(at + 8..at + 8 + length as usize).ok_or("a chunk runs past the end")?;
            match kind {
                b"IHDR" => {
                    width = u32::from_be_bytes(data[0..4].try_into().unwrap_or_default());
                    height = u32::from_be_bytes(data[4..8].try_into().unwrap_or_default());
                    let (depth, colour, interlace) = (data[8], data[9], data[12]);
                    channels = match colour {
                        0 => 1,
                        2 => 3,
                        4 => 2,
                        6 => 4,
                        other => return Err(format!("colour type {other} is not read here")),
                    };
                    if depth != 8 || interlace != 0 {
                        return Err(format!("depth {depth}, interlace {interlace}: not read here"));
                    }
                }
                b"IDAT" => compressed.extend_from_slice(data),
                b"IEND" => break,
                _ => {}
            }
            at += 12 + length as usize;
        }
        if width == 0 || height == 0 {
            return Err("no IHDR, or an empty picture".into());
        }
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&compressed)
            .map_err(|e| format!("the image data does not inflate: {e:?}"))?;
        let stride = width as usize * channels;
        if raw.len() < (stride + 1) * height as usize {
            return Err(format!("{} bytes of image data for {width}×{height}", raw.len()));
        }
        // Every row is unfiltered (each depends on the one above); only every `step`th pixel
        // of every `step`th row is kept: a page's text and lines are wider than [`SAMPLE`],
        // and keeping a full page's millions of pixels, unoptimised, takes seconds.
        let mut previous = vec![0u8; stride];
        let mut line = vec![0u8; stride];
        let mut pixels = Vec::new();
        for (y, row) in raw.chunks_exact(stride + 1).take(height as usize).enumerate() {
            line.copy_from_slice(&row[1..]);
            unfilter(row[0], &mut line, &previous, channels)?;
            if y % step == 0 {
                for p in line.chunks_exact(channels).step_by(step) {
                    pixels.push(match channels {
                        1 => [p[0], p[0], p[0], 255],
                        2 => [p[0], p[0], p[0], p[1]],
                        3 => [p[0], p[1], p[2], 255],
                        _ => [p[0], p[1], p[2], p[3]],
                    });
                }
            }
            std::mem::swap(&mut previous, &mut line);
        }
        Ok(Picture { width, height, pixels, step })
    }

    /// Its colours and how much of it differs from the background.
    pub fn contents(&self) -> Contents {
        let mut counts: HashMap<[u8; 4], usize> = HashMap::new();
        for p in &self.pixels {
            *counts.entry(*p).or_default() += 1;
        }
        let background = counts.values().copied().max().unwrap_or_default();
        let total = self.pixels.len().max(1);
        Contents { colours: counts.len(), drawn: (total - background) as f64 / total as f64 }
    }
}

/// The text of the QR code a picture shows (a screenshot of the code's element), read by
/// `rqrr` as a phone's camera would read the screen; an error when it finds none or cannot
/// decode it.
pub fn read_qr(png: &[u8]) -> Result<String, String> {
    let picture = Picture::decode_every(png, 1)?;
    let (w, h) = (picture.width as usize, picture.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        let [r, g, b, _] = picture.pixels[y * w + x];
        ((u16::from(r) + u16::from(g) + u16::from(b)) / 3) as u8
    });
    let grids = image.detect_grids();
    let grid = grids.first().ok_or_else(|| format!("no QR code found in {w}×{h} pixels"))?;
    grid.decode().map(|(_, text)| text).map_err(|e| format!("the QR code does not decode: {e}"))
}

/// One scanline with its PNG filter undone, in place (`line` holds the filtered bytes).
fn unfilter(filter: u8, line: &mut [u8], above: &[u8], bpp: usize) -> Result<(), String> {
    match filter {
        0 => {}
        1 => {
            for i in bpp..line.len() {
                line[i] = line[i].wrapping_add(line[i - bpp]);
            }
        }
        2 => {
            for (x, b) in line.iter_mut().zip(above) {
                *x = x.wrapping_add(*b);
            }
        }
        3 | 4 => {
            for i in 0..line.len() {
                let a = if i >= bpp { line[i - bpp] } else { 0 };
                let b = above[i];
                let predicted = if filter == 3 {
                    ((u16::from(a) + u16::from(b)) / 2) as u8
                } else {
                    paeth(a, b, if i >= bpp { above[i - bpp] } else { 0 })
                };
                line[i] = line[i].wrapping_add(predicted);
            }
        }
        other => return Err(format!("filter type {other}")),
    }
    Ok(())
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) =
        ((p - i16::from(a)).abs(), (p - i16::from(b)).abs(), (p - i16::from(c)).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// The fewest colours a page of ours shows: each page of the suite has over 500 in the sample
/// (its styles, charts and antialiased text); a blank page has one.
pub const MIN_COLOURS: usize = 64;
/// The smallest share of pixels off the background: each page of the suite draws over 30% of
/// its pixels; a blank page draws none, a line of text on white (an error) well under 1%.
pub const MIN_DRAWN: f64 = 0.05;

/// What the PNG shows if it shows a page (at least [`MIN_COLOURS`] colours and [`MIN_DRAWN`]
/// of its pixels off the background), or why it is blank or unreadable.
pub fn not_blank(png: &[u8]) -> Result<Contents, String> {
    let picture = Picture::decode(png).map_err(|e| format!("it does not decode: {e}"))?;
    let contents = picture.contents();
    if contents.colours >= MIN_COLOURS && contents.drawn >= MIN_DRAWN {
        Ok(contents)
    } else {
        Err(format!(
            "it ({}×{}) is blank or nearly: {} colours, {:.2}% of it drawn",
            picture.width,
            picture.height,
            contents.colours,
            contents.drawn * 100.0
        ))
    }
}

/// Panics unless the PNG shows a page (see [`not_blank`]).
#[track_caller]
pub fn assert_not_blank(png: &[u8], name: &str) -> Contents {
    not_blank(png).unwrap_or_else(|why| panic!("screenshot {name}: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG of `width`×`height` RGBA pixels from `pixel(x, y)`, unfiltered, stored deflate.
    fn png(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
        let mut raw = Vec::new();
        for y in 0..height {
            raw.push(0);
            for x in 0..width {
                raw.extend_from_slice(&pixel(x, y));
            }
        }
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0, 0, 0, 0]); // the CRC is not checked here
            c
        };
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        out.extend(chunk(b"IHDR", &ihdr));
        out.extend(chunk(b"IDAT", &miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6)));
        out.extend(chunk(b"IEND", &[]));
        out
    }

    #[test]
    fn a_white_page_is_blank() {
        let white = png(64, 48, |_, _| [255, 255, 255, 255]);
        assert_eq!(
            Picture::decode(&white).map(|p| p.contents()),
            Ok(Contents { colours: 1, drawn: 0.0 })
        );
        assert!(std::panic::catch_unwind(|| assert_not_blank(&white, "white")).is_err());
    }

    #[test]
    fn a_page_with_many_colours_drawn_on_it_is_not_blank() {
        let drawn = png(64, 48, |x, y| {
            if y < 24 { [255, 255, 255, 255] } else { [(x * 4) as u8, (y * 5) as u8, 90, 255] }
        });
        let contents = assert_not_blank(&drawn, "drawn");
        assert!(contents.colours >= 64 && contents.drawn > 0.4, "{contents:?}");
    }

    #[test]
    fn bytes_that_are_not_a_png_are_said_to_be_so() {
        assert!(Picture::decode(b"GIF89a").is_err());
    }
}
