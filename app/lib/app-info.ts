// The app's name and version, as files it writes record them (exports, saved labels, sessions).
// The version is package.json's; app-info.test.ts fails when the two drift apart.

export const APP_NAME = 'Chipfinder'
export const APP_VERSION = '0.1.0'
