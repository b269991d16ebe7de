//! The corpus APIs. Each module defines one API: its endpoints, parameter pools, clients,
//! body generators and error format.

use crate::engine::Asset;
use crate::{ApiDef, Trap};

mod bank;
mod cms;
mod codehub;
mod iot;
mod saas;
mod shop;

pub(crate) fn all() -> Vec<ApiDef> {
    use Trap::*;
    vec![
        ApiDef {
            name: "shop",
            host: "shop.example.test",
            description: "E-commerce shop: products by SKU, categories by slug, carts by UUID, integer orders, /users/me, /orders/export",
            traps: &[
                StaticSiblingOfParam,
                RareEndpoints,
                IntIds,
                UuidIds,
                SlugIds,
                SkuIds,
                FormPost,
                BinaryBodies,
                Base64Bodies,
                StaticAssets,
                HealthCheck,
                ErrorStatuses,
            ],
            build: shop::spec,
        },
        ApiDef {
            name: "codehub",
            host: "api.codehub.example.test",
            description: "Code hosting: usernames and repository names as free-text ids, commit SHAs, gists, releases",
            traps: &[
                StaticSiblingOfParam,
                ConsecutiveParams,
                RareEndpoints,
                IntIds,
                Hex32Ids,
                Hex40Ids,
                FreeTextIds,
                FileLikeIds,
                SemverIds,
                BinaryBodies,
                CorsPreflight,
                HealthCheck,
                ErrorStatuses,
            ],
            build: codehub::spec,
        },
        ApiDef {
            name: "bank",
            host: "api.bank.example.test",
            description: "Banking/payments behind one date-versioned prefix /api/2024-01-01/, statements by date, prefixed ids",
            traps: &[
                SharedVersionSegment,
                StaticSiblingOfParam,
                RareEndpoints,
                UuidIds,
                DateIds,
                PrefixedIds,
                FormPost,
                BinaryBodies,
                CorsPreflight,
                HealthCheck,
                ErrorStatuses,
            ],
            build: bank::spec,
        },
        ApiDef {
            name: "iot",
            host: "api.telemetry.example.test",
            description: "IoT telemetry: legacy /v1 by MAC address beside /v2 by ObjectId, firmware by semver, /firmware/latest",
            traps: &[
                CoexistingVersions,
                StaticSiblingOfParam,
                RareEndpoints,
                ObjectIds,
                MacIds,
                SemverIds,
                UuidIds,
                PercentEncodedIds,
                TrailingSlash,
                BinaryBodies,
                Base64Bodies,
                HealthCheck,
                ErrorStatuses,
            ],
            build: iot::spec,
        },
        ApiDef {
            name: "cms",
            host: "blog.example.test",
            description: "CMS/blog: article slugs, author e-mails in paths, share tokens, media by hash, /files/latest, uploads",
            traps: &[
                StaticSiblingOfParam,
                RareEndpoints,
                SlugIds,
                EmailIds,
                TokenIds,
                Hex32Ids,
                UuidIds,
                IntIds,
                FormPost,
                MultipartUpload,
                BinaryBodies,
                Base64Bodies,
                StaticAssets,
                HealthCheck,
                ErrorStatuses,
                PercentEncodedIds,
            ],
            build: cms::spec,
        },
        ApiDef {
            name: "saas",
            host: "api.workspace.example.test",
            description: "Multi-tenant SaaS: /v2/orgs/{org}/..., admin collections sharing one envelope, package registry",
            traps: &[
                SameEnvelopeStatics,
                StaticSiblingOfParam,
                RareEndpoints,
                IntIds,
                UuidIds,
                SemverIds,
                Hex64Ids,
                PrefixedIds,
                FreeTextIds,
                EncodedSlashIds,
                BinaryBodies,
                CorsPreflight,
                HealthCheck,
                ErrorStatuses,
            ],
            build: saas::spec,
        },
    ]
}

/// Static files a web front-end serves from the same host.
pub(crate) const WEB_ASSETS: &[Asset] = &[
    Asset { path: "/static/js/app.{hash}.js", mime: "application/javascript", size: 3000 },
    Asset { path: "/static/js/vendor.{hash}.js", mime: "application/javascript", size: 4000 },
    Asset { path: "/static/js/runtime.{hash}.js", mime: "application/javascript", size: 600 },
    Asset { path: "/static/css/main.{hash}.css", mime: "text/css", size: 2000 },
    Asset { path: "/favicon.ico", mime: "image/x-icon", size: 0 },
    Asset { path: "/assets/img/logo.png", mime: "image/png", size: 0 },
    Asset { path: "/assets/img/hero.jpg", mime: "image/jpeg", size: 0 },
    Asset { path: "/assets/fonts/inter-var.woff2", mime: "font/woff2", size: 0 },
];
