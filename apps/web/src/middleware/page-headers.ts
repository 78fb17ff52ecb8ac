import { NONCE, secureHeaders } from 'hono/secure-headers'

// The HTML pages get a Content-Security-Policy on top of the app's other security headers (the JSON routes keep
// theirs as they are): scripts, styles and requests from this origin only, nothing from anywhere else.
const common = {
  defaultSrc: ["'none'"],
  connectSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'self'"],
}

/** The dashboard: its script and style are files of the app; nothing inline. */
export const dashboardHeaders = secureHeaders({
  contentSecurityPolicy: { ...common, scriptSrc: ["'self'"], styleSrc: ["'self'"] },
})

/**
 * /docs: the renderer's script is a file of the app; its inline start-up script and theme carry this response's
 * nonce. The renderer sets style attributes as it draws, which a nonce cannot cover: inline styles are allowed,
 * inline scripts are not.
 */
export const docsHeaders = secureHeaders({
  contentSecurityPolicy: {
    ...common,
    scriptSrc: ["'self'", NONCE],
    styleSrc: ["'self'", "'unsafe-inline'"],
    fontSrc: ["'self'", 'data:'],
    workerSrc: ["'self'", 'blob:'],
  },
})
