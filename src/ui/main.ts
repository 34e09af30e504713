/** Entry point: start the audit worker (which creates the engine) and mount the app. */
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { connectWorker } from './worker-client';
import { audit } from './state/audit.svelte';
import { applyTheme } from './state/theme.svelte';
import { listenToHash } from './state/route.svelte';
import { i18n } from './state/i18n.svelte';

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
audit.attach(connectWorker(worker, audit.onProgress));
applyTheme();
listenToHash();
document.documentElement.lang = i18n.lang === 'zh' ? 'zh-CN' : 'en';

const target = document.getElementById('app');
if (!target) throw new Error('#app missing from index.html');
mount(App, { target });
