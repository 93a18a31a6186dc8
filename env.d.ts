/** Build-time constants defined in vite.config.ts. */
declare const __DEFAULT_API_BASE_URL__: string;
