// Main world, document_start: the least a provider can do — an empty frozen global.
Object.defineProperty(window, "benchMinimal", { value: Object.freeze({}), enumerable: true });
