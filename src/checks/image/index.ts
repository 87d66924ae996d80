import { imageAspectRatio } from './aspect-ratio.js';
import { imageBrandColours } from './brand-colours.js';
import { imageColorspace } from './colorspace.js';
import { imageDimensions } from './dimensions.js';
import { imageDpi } from './dpi.js';
import { imageIccProfile } from './icc-profile.js';
import { imageQrCode } from './qr-code.js';
import { imageSafeZones } from './safe-zones.js';
import { imageTransparency } from './transparency.js';

export const imageChecks = [imageDimensions, imageAspectRatio, imageColorspace, imageDpi, imageTransparency, imageIccProfile, imageBrandColours, imageSafeZones, imageQrCode];
