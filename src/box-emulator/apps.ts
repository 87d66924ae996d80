// Box applications in the emulator: each gets credentials, an RSA key pair and its own
// service account, and can be exported as the JSON config Box's developer console downloads.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { EmuApp, EmuState } from './state.js';
import { boxTimestamp, nextId } from './state.js';

/** The JSON a Box developer console hands out for a JWT app ("App Settings → Download"). */
export interface BoxAppConfigJson {
  boxAppSettings: {
    clientID: string;
    clientSecret: string;
    appAuth: { publicKeyID: string; privateKey: string; passphrase: string };
  };
  enterpriseID: string;
}

const alnum = (length: number): string => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
};

export function createApp(state: EmuState, name = 'aiqc'): EmuApp {
  const passphrase = randomBytes(16).toString('hex');
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    // Box's console ships an encrypted PKCS#8 key plus its passphrase.
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase },
  });
  const clientId = alnum(32);
  const serviceAccountId = nextId(state);
  state.users.set(serviceAccountId, {
    id: serviceAccountId,
    name,
    login: `AutomationUser_${serviceAccountId}_${alnum(10)}@boxdevedition.com`,
    createdAt: boxTimestamp(),
    serviceAccountOf: clientId,
  });
  const app: EmuApp = {
    clientId,
    clientSecret: alnum(32),
    name,
    publicKeyId: alnum(8),
    publicKeyPem: publicKey,
    privateKeyPem: privateKey,
    passphrase,
    serviceAccountId,
  };
  state.apps.set(clientId, app);
  return app;
}

export function appConfigJson(state: EmuState, app: EmuApp): BoxAppConfigJson {
  return {
    boxAppSettings: {
      clientID: app.clientId,
      clientSecret: app.clientSecret,
      appAuth: { publicKeyID: app.publicKeyId, privateKey: app.privateKeyPem, passphrase: app.passphrase },
    },
    enterpriseID: state.enterpriseId,
  };
}
