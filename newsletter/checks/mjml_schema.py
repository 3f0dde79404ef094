"""MJML's element and attribute tables (MJML 5.4.1, the documented `allowedAttributes` of each
component and the allowed children of each element), as data for the in-package validator.

Types use MJML's own notation: color, string, boolean, integer, enum(a,b), unit(px,%){1,4},
unitWithNegative(px,em). Every element also accepts mj-class and css-class.
"""

# Attributes each element accepts, with the type of its value.
ELEMENTS: dict[str, dict[str, str]] = {
    "mj-accordion": {
        "container-background-color": "color", "border": "string", "font-family": "string",
        "icon-align": "enum(top,middle,bottom)", "icon-width": "unit(px,%)", "icon-height": "unit(px,%)",
        "icon-wrapped-url": "string", "icon-wrapped-alt": "string", "icon-unwrapped-url": "string",
        "icon-unwrapped-alt": "string", "icon-position": "enum(left,right)", "padding-bottom": "unit(px,%)",
        "padding-left": "unit(px,%)", "padding-right": "unit(px,%)", "padding-top": "unit(px,%)",
        "padding": "unit(px,%){1,4}",
    },
    "mj-accordion-element": {
        "background-color": "color", "border": "string", "font-family": "string", "icon-align": "enum(top,middle,bottom)",
        "icon-width": "unit(px,%)", "icon-height": "unit(px,%)", "icon-wrapped-url": "string", "icon-wrapped-alt": "string",
        "icon-unwrapped-url": "string", "icon-unwrapped-alt": "string", "icon-position": "enum(left,right)",
    },
    "mj-accordion-text": {
        "background-color": "color", "font-size": "unit(px)", "font-family": "string", "font-weight": "string",
        "letter-spacing": "unitWithNegative(px,em)", "line-height": "unit(px,%,)", "color": "color",
        "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)", "padding-right": "unit(px,%)",
        "padding-top": "unit(px,%)", "padding": "unit(px,%){1,4}",
    },
    "mj-accordion-title": {
        "background-color": "color", "color": "color", "font-size": "unit(px)", "font-family": "string",
        "font-weight": "string", "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)", "padding-right": "unit(px,%)",
        "padding-top": "unit(px,%)", "padding": "unit(px,%){1,4}",
    },
    "mj-attributes": {
    },
    "mj-body": {
        "width": "unit(px)", "background-color": "color", "id": "string",
    },
    "mj-breakpoint": {
        "width": "unit(px)",
    },
    "mj-button": {
        "align": "enum(left,center,right)", "background-color": "color", "border-bottom": "string", "border-left": "string",
        "border-radius": "string", "border-right": "string", "border-top": "string", "border": "string", "color": "color",
        "container-background-color": "color", "font-family": "string", "font-size": "unit(px)", "font-style": "string",
        "font-weight": "string", "height": "unit(px,%)", "href": "string", "name": "string", "title": "string",
        "inner-padding": "unit(px,%){1,4}", "letter-spacing": "unitWithNegative(px,em)", "line-height": "unit(px,%,)",
        "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)", "padding-right": "unit(px,%)",
        "padding-top": "unit(px,%)", "padding": "unit(px,%){1,4}", "rel": "string", "target": "string",
        "text-decoration": "string", "text-transform": "string", "vertical-align": "enum(top,bottom,middle)",
        "text-align": "enum(left,right,center)", "width": "unit(px,%)",
    },
    "mj-carousel": {
        "align": "enum(left,center,right)", "border-radius": "string", "container-background-color": "color",
        "icon-width": "unit(px,%)", "left-icon": "string", "padding": "unit(px,%){1,4}", "padding-top": "unit(px,%)",
        "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)", "padding-right": "unit(px,%)", "right-icon": "string",
        "thumbnails": "enum(visible,hidden,supported)", "tb-border": "string", "tb-border-radius": "string",
        "tb-hover-border-color": "color", "tb-selected-border-color": "color", "tb-width": "unit(px,%)",
    },
    "mj-carousel-image": {
        "alt": "string", "href": "string", "rel": "string", "target": "string", "title": "string", "src": "string",
        "thumbnails-src": "string", "border-radius": "string", "tb-border": "string", "tb-border-radius": "string",
    },
    "mj-column": {
        "background-color": "color", "border": "string", "border-bottom": "string", "border-left": "string",
        "border-radius": "string", "border-right": "string", "border-top": "string", "direction": "enum(ltr,rtl)",
        "inner-background-color": "color", "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)",
        "padding-right": "unit(px,%)", "padding-top": "unit(px,%)", "inner-border": "string",
        "inner-border-bottom": "string", "inner-border-left": "string", "inner-border-radius": "string",
        "inner-border-right": "string", "inner-border-top": "string", "padding": "unit(px,%){1,4}",
        "vertical-align": "enum(top,bottom,middle)", "width": "unit(px,%)",
    },
    "mj-divider": {
        "border-color": "color", "border-style": "string", "border-width": "unit(px)", "container-background-color": "color",
        "padding": "unit(px,%){1,4}", "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)",
        "padding-right": "unit(px,%)", "padding-top": "unit(px,%)", "width": "unit(px,%)",
        "align": "enum(left,center,right)",
    },
    "mj-font": {
        "name": "string", "href": "string",
    },
    "mj-group": {
        "background-color": "color", "direction": "enum(ltr,rtl)", "vertical-align": "enum(top,bottom,middle)",
        "width": "unit(px,%)",
    },
    "mj-head": {
    },
    "mj-hero": {
        "mode": "string", "height": "unit(px,%)", "background-url": "string", "background-width": "unit(px,%)",
        "background-height": "unit(px,%)", "background-position": "string", "border-radius": "string",
        "inner-background-color": "color", "inner-padding": "unit(px,%){1,4}", "inner-padding-top": "unit(px,%)",
        "inner-padding-left": "unit(px,%)", "inner-padding-right": "unit(px,%)", "inner-padding-bottom": "unit(px,%)",
        "padding": "unit(px,%){1,4}", "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)",
        "padding-right": "unit(px,%)", "padding-top": "unit(px,%)", "background-color": "color",
        "vertical-align": "enum(top,bottom,middle)",
    },
    "mj-html-attributes": {
    },
    "mj-image": {
        "alt": "string", "href": "string", "name": "string", "src": "string", "srcset": "string", "sizes": "string",
        "title": "string", "rel": "string", "align": "enum(left,center,right)", "border": "string",
        "border-bottom": "string", "border-left": "string", "border-right": "string", "border-top": "string",
        "border-radius": "string", "container-background-color": "color", "fluid-on-mobile": "boolean",
        "padding": "unit(px,%){1,4}", "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)",
        "padding-right": "unit(px,%)", "padding-top": "unit(px,%)", "target": "string", "width": "unit(px)",
        "height": "unit(px,auto)", "max-height": "unit(px,%)", "font-size": "unit(px)", "usemap": "string",
    },
    "mj-navbar": {
        "align": "enum(left,center,right)", "base-url": "string", "hamburger": "string",
        "ico-align": "enum(left,center,right)", "ico-open": "string", "ico-close": "string", "ico-color": "color",
        "ico-font-size": "unit(px,%)", "ico-font-family": "string", "ico-text-transform": "string",
        "ico-padding": "unit(px,%){1,4}", "ico-padding-left": "unit(px,%)", "ico-padding-top": "unit(px,%)",
        "ico-padding-right": "unit(px,%)", "ico-padding-bottom": "unit(px,%)", "padding": "unit(px,%){1,4}",
        "padding-left": "unit(px,%)", "padding-top": "unit(px,%)", "padding-right": "unit(px,%)",
        "padding-bottom": "unit(px,%)", "ico-text-decoration": "string", "ico-line-height": "unit(px,%,)",
    },
    "mj-navbar-link": {
        "color": "color", "font-family": "string", "font-size": "unit(px)", "font-style": "string", "font-weight": "string",
        "href": "string", "name": "string", "target": "string", "rel": "string", "letter-spacing": "unitWithNegative(px,em)",
        "line-height": "unit(px,%,)", "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)",
        "padding-right": "unit(px,%)", "padding-top": "unit(px,%)", "padding": "unit(px,%){1,4}",
        "text-decoration": "string", "text-transform": "string",
    },
    "mj-preview": {
    },
    "mj-raw": {
        "position": "enum(file-start)",
    },
    "mj-selector": {"path": "string"},
    "mj-html-attribute": {"name": "string"},
    "mj-section": {
        "background-color": "color", "background-url": "string", "background-repeat": "enum(repeat,no-repeat)",
        "background-size": "string", "background-position": "string", "background-position-x": "string",
        "background-position-y": "string", "border": "string", "border-bottom": "string", "border-left": "string",
        "border-radius": "string", "border-right": "string", "border-top": "string", "direction": "enum(ltr,rtl)",
        "full-width": "enum(full-width,false,)", "gutter": "unit(px,%)", "padding": "unit(px,%){1,4}",
        "padding-top": "unit(px,%)", "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)",
        "padding-right": "unit(px,%)", "text-align": "enum(left,center,right)", "text-padding": "unit(px,%){1,4}",
    },
    "mj-social": {
        "align": "enum(left,right,center)", "border": "string", "border-radius": "string",
        "container-background-color": "color", "color": "color", "font-family": "string", "font-size": "unit(px)",
        "font-style": "string", "font-weight": "string", "icon-size": "unit(px,%)", "icon-height": "unit(px,%)",
        "icon-padding": "unit(px,%){1,4}", "inner-padding": "unit(px,%){1,4}", "line-height": "unit(px,%,)",
        "mode": "enum(horizontal,vertical)", "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)",
        "padding-right": "unit(px,%)", "padding-top": "unit(px,%)", "padding": "unit(px,%){1,4}",
        "table-layout": "enum(auto,fixed)", "text-padding": "unit(px,%){1,4}", "text-decoration": "string",
        "vertical-align": "enum(top,bottom,middle)",
    },
    "mj-social-element": {
        "align": "enum(left,center,right)", "icon-position": "enum(left,right)", "background-color": "color",
        "color": "color", "border": "string", "border-radius": "string", "font-family": "string", "font-size": "unit(px)",
        "font-style": "string", "font-weight": "string", "href": "string", "icon-size": "unit(px,%)",
        "icon-height": "unit(px,%)", "icon-padding": "unit(px,%){1,4}", "line-height": "unit(px,%,)", "name": "string",
        "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)", "padding-right": "unit(px,%)",
        "padding-top": "unit(px,%)", "padding": "unit(px,%){1,4}", "text-padding": "unit(px,%){1,4}", "rel": "string",
        "src": "string", "srcset": "string", "sizes": "string", "alt": "string", "title": "string", "target": "string",
        "text-decoration": "string", "vertical-align": "enum(top,middle,bottom)",
    },
    "mj-spacer": {
        "border": "string", "border-bottom": "string", "border-left": "string", "border-right": "string",
        "border-top": "string", "container-background-color": "color", "padding-bottom": "unit(px,%)",
        "padding-left": "unit(px,%)", "padding-right": "unit(px,%)", "padding-top": "unit(px,%)",
        "padding": "unit(px,%){1,4}", "height": "unit(px,%)",
    },
    "mj-style": {
        "inline": "string",
    },
    "mj-table": {
        "align": "enum(left,right,center)", "border": "string", "cellpadding": "integer", "cellspacing": "integer",
        "container-background-color": "color", "color": "color", "font-family": "string", "font-size": "unit(px)",
        "font-weight": "string", "line-height": "unit(px,%,)", "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)",
        "padding-right": "unit(px,%)", "padding-top": "unit(px,%)", "padding": "unit(px,%){1,4}",
        "role": "enum(none,presentation)", "table-layout": "enum(auto,fixed,initial,inherit)",
        "vertical-align": "enum(top,bottom,middle)", "width": "unit(px,%,auto)",
    },
    "mj-text": {
        "align": "enum(left,right,center,justify)", "background-color": "color", "color": "color",
        "container-background-color": "color", "font-family": "string", "font-size": "unit(px)", "font-style": "string",
        "font-weight": "string", "height": "unit(px,%)", "letter-spacing": "unitWithNegative(px,em)",
        "line-height": "unit(px,%,)", "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)",
        "padding-right": "unit(px,%)", "padding-top": "unit(px,%)", "padding": "unit(px,%){1,4}",
        "text-decoration": "string", "text-transform": "string", "vertical-align": "enum(top,bottom,middle)",
    },
    "mj-title": {
    },
    "mj-wrapper": {
        "background-color": "color", "background-url": "string", "background-repeat": "enum(repeat,no-repeat)",
        "background-size": "string", "background-position": "string", "background-position-x": "string",
        "background-position-y": "string", "border": "string", "border-bottom": "string", "border-left": "string",
        "border-radius": "string", "border-right": "string", "border-top": "string", "direction": "enum(ltr,rtl)",
        "full-width": "enum(full-width,false,)", "gutter": "unit(px,%)", "padding": "unit(px,%){1,4}",
        "padding-top": "unit(px,%)", "padding-bottom": "unit(px,%)", "padding-left": "unit(px,%)",
        "padding-right": "unit(px,%)", "text-align": "enum(left,center,right)", "text-padding": "unit(px,%){1,4}",
        "gap": "unit(px)",
    },
    "mjml": {
        "owa": "string", "lang": "string", "dir": "enum(ltr,rtl)",
    },
}

# Elements whose content is HTML or text, not MJML (MJML calls them ending tags).
ENDING_TAGS = frozenset({
    "mj-accordion-text", "mj-accordion-title", "mj-breakpoint", "mj-button", "mj-carousel-image", "mj-navbar-link",
    "mj-preview", "mj-raw", "mj-social-element", "mj-style", "mj-table", "mj-text", "mj-title",
})

# The children each element may contain.
CHILDREN: dict[str, tuple[str, ...]] = {
    "mj-accordion": ("mj-accordion-element", "mj-raw"),
    "mj-accordion-element": ("mj-accordion-text", "mj-accordion-title", "mj-raw"),
    "mj-accordion-text": (),
    "mj-accordion-title": (),
    "mj-attributes": ("*",),  # any element, to set its defaults; also mj-all and mj-class
    "mj-body": ("mj-hero", "mj-raw", "mj-section", "mj-wrapper"),
    "mj-button": (),
    "mj-carousel": ("mj-carousel-image",),
    "mj-carousel-image": (),
    "mj-column": (
        "mj-accordion", "mj-button", "mj-carousel", "mj-divider", "mj-image", "mj-navbar", "mj-raw", "mj-social",
        "mj-spacer", "mj-table", "mj-text",
    ),
    "mj-divider": (),
    "mj-group": ("mj-column", "mj-raw"),
    "mj-head": (
        "mj-attributes", "mj-breakpoint", "mj-font", "mj-html-attributes", "mj-preview", "mj-raw", "mj-style", "mj-title",
    ),
    "mj-hero": (
        "mj-accordion", "mj-button", "mj-carousel", "mj-divider", "mj-image", "mj-navbar", "mj-raw", "mj-social",
        "mj-spacer", "mj-table", "mj-text",
    ),
    "mj-html-attribute": (),
    "mj-html-attributes": ("mj-selector",),
    "mj-image": (),
    "mj-navbar": ("mj-navbar-link", "mj-raw"),
    "mj-raw": (),
    "mj-section": ("mj-column", "mj-group", "mj-raw"),
    "mj-selector": ("mj-html-attribute",),
    "mj-social": ("mj-raw", "mj-social-element"),
    "mj-social-element": (),
    "mj-spacer": (),
    "mj-table": (),
    "mj-text": (),
    "mj-wrapper": ("mj-hero", "mj-raw", "mj-section"),
    "mjml": ("mj-body", "mj-head", "mj-raw"),
}

# CSS colour names MJML accepts for a colour attribute.
COLOR_NAMES = frozenset({
    "aliceblue", "antiquewhite", "aqua", "aquamarine", "azure", "beige", "bisque", "black", "blanchedalmond", "blue",
    "blueviolet", "brown", "burlywood", "cadetblue", "chartreuse", "chocolate", "coral", "cornflowerblue", "cornsilk",
    "crimson", "cyan", "darkblue", "darkcyan", "darkgoldenrod", "darkgray", "darkgreen", "darkgrey", "darkkhaki",
    "darkmagenta", "darkolivegreen", "darkorange", "darkorchid", "darkred", "darksalmon", "darkseagreen", "darkslateblue",
    "darkslategray", "darkslategrey", "darkturquoise", "darkviolet", "deeppink", "deepskyblue", "dimgray", "dimgrey",
    "dodgerblue", "firebrick", "floralwhite", "forestgreen", "fuchsia", "gainsboro", "ghostwhite", "gold", "goldenrod",
    "gray", "green", "greenyellow", "grey", "honeydew", "hotpink", "indianred", "indigo", "inherit", "ivory", "khaki",
    "lavender", "lavenderblush", "lawngreen", "lemonchiffon", "lightblue", "lightcoral", "lightcyan", "lightgoldenrodyellow",
    "lightgray", "lightgreen", "lightgrey", "lightpink", "lightsalmon", "lightseagreen", "lightskyblue", "lightslategray",
    "lightslategrey", "lightsteelblue", "lightyellow", "lime", "limegreen", "linen", "magenta", "maroon", "mediumaquamarine",
    "mediumblue", "mediumorchid", "mediumpurple", "mediumseagreen", "mediumslateblue", "mediumspringgreen",
    "mediumturquoise", "mediumvioletred", "midnightblue", "mintcream", "mistyrose", "moccasin", "navajowhite", "navy",
    "oldlace", "olive", "olivedrab", "orange", "orangered", "orchid", "palegoldenrod", "palegreen", "paleturquoise",
    "palevioletred", "papayawhip", "peachpuff", "peru", "pink", "plum", "powderblue", "purple", "rebeccapurple", "red",
    "rosybrown", "royalblue", "saddlebrown", "salmon", "sandybrown", "seagreen", "seashell", "sienna", "silver", "skyblue",
    "slateblue", "slategray", "slategrey", "snow", "springgreen", "steelblue", "tan", "teal", "thistle", "tomato",
    "transparent", "turquoise", "violet", "wheat", "white", "whitesmoke", "yellow", "yellowgreen",
})
